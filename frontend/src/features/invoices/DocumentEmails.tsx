/** The e-mails sent for a document, as the API recorded them: when, to whom, the subject and where delivery stands. */
import { type MessageKey, useI18n } from "../../i18n";
import { QueryResult } from "../../components/QueryResult";
import { useDocumentEmails } from "./api";

export function DocumentEmails({ documentId }: { documentId: string }) {
  const { t, dateTime } = useI18n();
  const query = useDocumentEmails(documentId);
  return (
    <section aria-labelledby={`emails-${documentId}`}>
      <h2 id={`emails-${documentId}`}>{t("send.sent")}</h2>
      <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={t("send.none")}>
        {(data) => (
          <table className="table" aria-labelledby={`emails-${documentId}`}>
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("send.to")}</th>
                <th scope="col">{t("send.subject")}</th>
                <th scope="col">{t("send.status")}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((email) => (
                <tr key={email.id}>
                  <td className="nowrap">{dateTime(email.created_at)}</td>
                  <td>{email.to.join(", ")}</td>
                  <td>{email.subject}</td>
                  <td title={email.last_error ?? undefined}>{t(`send.status.${email.status}` as MessageKey)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryResult>
    </section>
  );
}
