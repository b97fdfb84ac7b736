/** A form's submit button and its cancel. */
import { useI18n } from "../i18n";

/** A form's submit button (`danger` for a destructive one) and its cancel. */
export function FormButtons({ label, disabled, danger, onCancel }: { label: string; disabled: boolean; danger?: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <button type="submit" className={danger ? "button danger" : "button primary"} disabled={disabled}>
        {label}
      </button>
      <button type="button" className="button subtle" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </div>
  );
}
