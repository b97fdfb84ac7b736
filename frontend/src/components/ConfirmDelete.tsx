/** A row's delete confirmation: focus lands on the harmless choice. */
import { useI18n } from "../i18n";
import { Confirm } from "./Confirm";

/** A row's delete confirmation: focus lands on the harmless choice. */
export function ConfirmDelete(props: { label: string; question: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  return <Confirm {...props} confirm={t("common.confirmDelete")} focusCancel />;
}
