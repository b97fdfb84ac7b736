/** A document's status as a coloured badge. */
import { type MessageKey, useI18n } from "../i18n";

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}
