/** A member's row: role (a select for those who manage the team), status, and the actions for an invitation or a member. */
import { useSession } from "../../embed/session";
import { useI18n, type MessageKey } from "../../i18n";
import { type Member, type Role, ROLES, useChangeRole, useResendInvitation, useRevokeInvitation } from "./api";
import { toast } from "../../components/toast";

export function MemberRow({ member, manage, onRemove }: { member: Member; manage: boolean; onRemove: () => void }) {
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
