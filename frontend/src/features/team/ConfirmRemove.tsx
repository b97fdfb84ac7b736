/** The confirmation before a member is removed. */
import { useI18n } from "../../i18n";
import { type Member, useRemove } from "./api";
import { Confirm } from "../../components/Confirm";
import { toast } from "../../components/toast";

export function ConfirmRemove({ member, onDone }: { member: Member; onDone: () => void }) {
  const { t } = useI18n();
  const remove = useRemove();
  return (
    <Confirm
      className="panel"
      label={t("team.removeLabel", { email: member.email })}
      question={t("team.confirmRemove", { email: member.email })}
      confirm={t("team.remove")}
      busy={remove.isPending}
      onCancel={onDone}
      onConfirm={() =>
        remove.mutate(member.id, {
          onSuccess: () => {
            toast(t("team.removed", { email: member.email }));
            onDone();
          },
          onError: onDone,
        })
      }
    />
  );
}
