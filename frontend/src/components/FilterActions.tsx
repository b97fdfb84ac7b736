/** A filter form's apply button, and clear once anything is filtered. */
import { useI18n } from "../i18n";

/** Apply, and clear once anything is filtered. */
export function FilterActions({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  const { t } = useI18n();
  return (
    <div className="filter-actions">
      <button type="submit" className="button">
        {t("invoices.apply")}
      </button>
      {filtered && (
        <button type="button" className="button subtle" onClick={onClear}>
          {t("invoices.clear")}
        </button>
      )}
    </div>
  );
}
