/** A list row's edit and delete actions, and the confirm step before a delete (or any other destructive action). */
import type { ReactNode } from "react";
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

/** A question with a confirm and a cancel button; `children` (such as the refusal) stand between them. */
export function Confirm({
  label,
  question,
  confirm,
  busy,
  onConfirm,
  onCancel,
  className,
  focusCancel,
  children,
}: {
  label: string;
  question: string;
  confirm: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  className?: string;
  focusCancel?: boolean;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className={className} role="group" aria-label={label}>
      <p>{question}</p>
      {children}
      <div className="toolbar">
        <button type="button" className="button danger" disabled={busy} onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" className="button subtle" onClick={onCancel} autoFocus={focusCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </div>
  );
}

/** A row's delete confirmation: focus lands on the harmless choice. */
export function ConfirmDelete(props: { label: string; question: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  return <Confirm {...props} confirm={t("common.confirmDelete")} focusCancel />;
}
