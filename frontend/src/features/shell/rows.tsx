/** A list row's edit and delete actions, and the confirm step before a delete. */
import { useI18n } from "../../i18n";

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

export function ConfirmDelete({
  label,
  question,
  busy,
  onConfirm,
  onCancel,
}: {
  label: string;
  question: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <div role="group" aria-label={label}>
      <p>{question}</p>
      <div className="toolbar">
        <button type="button" className="button danger" disabled={busy} onClick={onConfirm}>
          {t("common.confirmDelete")}
        </button>
        {/* focus lands on the harmless choice */}
        <button type="button" className="button subtle" onClick={onCancel} autoFocus>
          {t("common.cancel")}
        </button>
      </div>
    </div>
  );
}
