/** A list row's edit and delete buttons. */
import { useI18n } from "../i18n";

export type RowAction = "edit" | "delete";

export function RowActions({ name, open, onOpen }: { name: string; open: RowAction | null; onOpen: (what: RowAction | null) => void }) {
  const { t } = useI18n();
  const toggle = (what: RowAction) => onOpen(open === what ? null : what);
  return (
    <div className="row-actions">
      <button type="button" className="button" aria-expanded={open === "edit"} aria-label={t("rows.edit", { name })} onClick={() => toggle("edit")}>
        {t("common.edit")}
      </button>
      <button
        type="button"
        className="button danger"
        aria-expanded={open === "delete"}
        aria-label={t("rows.delete", { name })}
        onClick={() => toggle("delete")}
      >
        {t("common.delete")}
      </button>
    </div>
  );
}
