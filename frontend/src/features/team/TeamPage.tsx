/**
 * The team (admins): members with role and status; invite by e-mail with a role; change a role; remove a
 * member after a confirmation; resend or revoke a pending invitation. The API refuses to demote or remove
 * the last admin (409); the error policy shows its `detail` in words and the role shown stays the server's.
 */
import { useState } from "react";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { type Member, useTeam } from "./api";
import { QueryResult } from "../../components/QueryResult";
import { ConfirmRemove } from "./ConfirmRemove";
import { InviteForm } from "./InviteForm";
import { MemberRow } from "./MemberRow";

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
