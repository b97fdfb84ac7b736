/** A question with a confirm and a cancel button, before a destructive action. */
import type { ReactNode } from "react";
import { useI18n } from "../i18n";

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
