/**
 * The team (admins): members with role and status; invite by e-mail with a role; change a role; remove a
 * member after a confirmation; resend or revoke a pending invitation. The API refuses to demote or remove
 * the last admin (409); the error policy shows its `detail` in words and the role shown stays the server's.
 */
import { type FormEvent, useState } from "react";
import { can, useSession } from "../../embed/session";
import { useI18n, type MessageKey } from "../../i18n";
import { type Member, type Role, ROLES, useChangeRole, useInvite, useRemove, useResendInvitation, useRevokeInvitation, useTeam } from "./api";
import { Confirm } from "../../components/Confirm";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { QueryResult } from "../../components/QueryResult";
import { SelectField } from "../../components/SelectField";
import { toast } from "../../components/toast";

export default function TeamPage() {
  const { t } = useI18n();
  const query = useTeam();
  const manage = can("team:manage");
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);

  return (
    <section aria-labelledby="team-title">
      <div className="page-head">
        <h1 id="team-title">{t("team.title")}</h1>
        {manage && (
          <button type="button" className="button primary" aria-expanded={inviting} onClick={() => setInviting((v) => !v)}>
            {t("team.invite")}
          </button>
        )}
      </div>
      {manage && inviting && <InviteForm onDone={() => setInviting(false)} />}
      <p className="muted">{t("team.roles")}</p>
      {removing && <ConfirmRemove member={removing} onDone={() => setRemoving(null)} />}
      <QueryResult query={query} isEmpty={(members) => members.length === 0} empty={t("team.empty")}>
        {(members) => (
          <table className="table" aria-label={t("team.list")} aria-busy={query.isFetching}>
            <thead>
              <tr>
                <th scope="col">{t("team.member")}</th>
                <th scope="col">{t("team.role")}</th>
                <th scope="col">{t("team.status")}</th>
                {manage && <th scope="col">{t("team.actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <MemberRow key={member.id} member={member} manage={manage} onRemove={() => setRemoving(member)} />
              ))}
            </tbody>
          </table>
        )}
      </QueryResult>
    </section>
  );
}

function MemberRow({ member, manage, onRemove }: { member: Member; manage: boolean; onRemove: () => void }) {
  const { t, date } = useI18n();
  const session = useSession();
  const change = useChangeRole();
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const me = session?.user.id === member.id;
  const invited = member.status === "invited";
  const shown = change.isPending && change.variables ? change.variables.role : member.role;

  return (
    <tr>
      <td>
        {member.name && <span className="block">{member.name}</span>}
        <span className={member.name ? "muted" : undefined}>{member.email}</span>
        {me && <span className="muted"> ({t("team.you")})</span>}
      </td>
      <td>
        {manage ? (
          <select
            aria-label={t("team.roleOf", { email: member.email })}
            value={shown}
            disabled={change.isPending}
            onChange={(e) => {
              const role = e.target.value as Role;
              change.mutate(
                { id: member.id, role },
                { onSuccess: () => toast(t("team.roleChanged", { email: member.email, role: t(`role.${role}`) })) },
              );
            }}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        ) : (
          t(`role.${member.role}` as MessageKey)
        )}
      </td>
      <td>
        <span className={`badge badge-${invited ? "draft" : "paid"}`}>{t(invited ? "team.status.invited" : "team.status.active")}</span>{" "}
        <span className="muted">
          {invited
            ? member.invited_at && t("team.invitedOn", { date: date(member.invited_at) })
            : member.accepted_at && t("team.joinedOn", { date: date(member.accepted_at) })}
        </span>
      </td>
      {manage && (
        <td>
          <div className="row-actions">
            {invited && (
              <>
                <button
                  type="button"
                  className="button subtle"
                  aria-label={t("team.resendLabel", { email: member.email })}
                  disabled={resend.isPending}
                  onClick={() => resend.mutate(member.id, { onSuccess: () => toast(t("team.resent", { email: member.email })) })}
                >
                  {t("team.resend")}
                </button>
                <button
                  type="button"
                  className="button subtle"
                  aria-label={t("team.revokeLabel", { email: member.email })}
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(member.id, { onSuccess: () => toast(t("team.revoked", { email: member.email })) })}
                >
                  {t("team.revoke")}
                </button>
              </>
            )}
            <button type="button" className="button danger" aria-label={t("team.removeLabel", { email: member.email })} onClick={onRemove}>
              {t("team.remove")}
            </button>
          </div>
        </td>
      )}
    </tr>
  );
}

function ConfirmRemove({ member, onDone }: { member: Member; onDone: () => void }) {
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

function InviteForm({ onDone }: { onDone: () => void }) {
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
