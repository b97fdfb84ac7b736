/** The payment reminders the job dealt with for an invoice: which day after the due date, when, and what happened. */
import { type MessageKey, useI18n } from "../../i18n";
import { useInvoiceReminders } from "./api";

export function InvoiceReminders({ invoiceId }: { invoiceId: string }) {
  const { t, dateTime } = useI18n();
  const query = useInvoiceReminders(invoiceId);
  if (!query.data || query.data.length === 0) return null; // nothing to show until a reminder is due
  return (
    <section aria-labelledby={`reminders-${invoiceId}`}>
      <h2 id={`reminders-${invoiceId}`}>{t("reminders.sent")}</h2>
      <table className="table" aria-labelledby={`reminders-${invoiceId}`}>
        <thead>
          <tr>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("reminders.afterDue")}</th>
            <th scope="col">{t("reminders.outcome")}</th>
          </tr>
        </thead>
        <tbody>
          {query.data.map((reminder) => (
            <tr key={reminder.days_after_due}>
              <td className="nowrap">{dateTime(reminder.created_at)}</td>
              <td>{t("reminders.day", { days: reminder.days_after_due })}</td>
              <td>{t(`reminders.status.${reminder.status}` as MessageKey)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
