/** Invite someone by e-mail with a role. */
import { type FormEvent } from "react";
import { useI18n } from "../../i18n";
import { type Role, ROLES, useInvite } from "./api";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { SelectField } from "../../components/SelectField";
import { toast } from "../../components/toast";

export function InviteForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const invite = useInvite();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const name = String(form.get("name") ?? "").trim();
    invite.mutate(
      { email, role: String(form.get("role")) as Role, ...(name ? { name } : {}) },
      {
        onSuccess: () => {
          toast(t("team.invited", { email }));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("team.inviteTitle")}>
      <h2>{t("team.inviteTitle")}</h2>
      <p className="muted">{t("team.inviteHelp")}</p>
      <FieldErrors error={invite.error} />
      <div className="grid">
        <label>
          {t("common.email")}
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <label>
          {t("team.nameOptional")}
          <input name="name" autoComplete="off" />
        </label>
        <SelectField label={t("team.role")} name="role" defaultValue="viewer" options={ROLES} optionLabel={(role) => t(`role.${role}`)} />
      </div>
      <FormButtons label={t("team.sendInvite")} disabled={invite.isPending} onCancel={onDone} />
    </form>
  );
}
