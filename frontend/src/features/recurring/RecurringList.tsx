/** The entity's recurring invoices: customer, frequency, next run, status. */
import { type MessageKey, useI18n } from "../../i18n";
import { useLocation } from "../../router";
import { ErrorState } from "../../components/ErrorState";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { type Recurring, useRecurringList } from "./api";
import { Empty } from "../../components/Empty";

export function useFrequency() {
  const { t } = useI18n();
  return (r: Recurring) =>
    r.schedule.interval === 1
      ? t(`recurring.frequency.${r.schedule.frequency}` as MessageKey)
      : t(`recurring.every.${r.schedule.frequency}` as MessageKey, { n: r.schedule.interval });
}

export default function RecurringList() {
  const { t, date } = useI18n();
  const { params } = useLocation();
  const query = useRecurringList(params.get("cursor") ?? undefined);
  const frequency = useFrequency();
  return (
    <section aria-labelledby="recurring-title">
      <div className="page-head">
        <h1 id="recurring-title">{t("recurring.title")}</h1>
      </div>
      <p className="hint">{t("recurring.hint")}</p>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <Empty>{t("recurring.empty")}</Empty>
      ) : (
        <table aria-label={t("recurring.list")}>
          <thead>
            <tr>
              <th scope="col">{t("invoices.customer")}</th>
              <th scope="col">{t("recurring.frequency")}</th>
              <th scope="col">{t("recurring.nextRun")}</th>
              <th scope="col">{t("invoices.status")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data.data.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link view={`recurring/${r.id}`}>{r.customer_name ?? r.id}</Link>
                </td>
                <td>{frequency(r)}</td>
                <td>{r.next_period_start ? date(r.next_period_start) : "—"}</td>
                <td>
                  <span className={`badge badge-${r.status}`}>{t(`recurring.status.${r.status}` as MessageKey)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query.data?.next_cursor && (
        <p>
          <Link view="recurring" params={{ cursor: query.data.next_cursor }}>
            {t("common.next")}
          </Link>
        </p>
      )}
    </section>
  );
}
