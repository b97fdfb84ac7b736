/** One recurring invoice: its schedule, the next runs, the last failure, its invoices; pause, resume, delete. */
import { useState } from "react";
import { can } from "../../embed/session";
import { type MessageKey, useI18n } from "../../i18n";
import { navigate } from "../../router";
import { Confirm } from "../../components/Confirm";
import { ErrorState } from "../../components/ErrorState";
import { FieldErrors } from "../../components/FieldErrors";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { Money } from "../../components/Money";
import { StatusBadge } from "../../components/StatusBadge";
import { toast } from "../../components/toast";
import { useDeleteRecurring, usePauseResume, useRecurring, useRecurringInvoices } from "./api";
import { useFrequency } from "./RecurringList";

export default function RecurringDetail({ id }: { id: string }) {
  const { t, date } = useI18n();
  const query = useRecurring(id);
  const invoices = useRecurringInvoices(id);
  const toggle = usePauseResume();
  const remove = useDeleteRecurring();
  const frequency = useFrequency();
  const [confirming, setConfirming] = useState(false);
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <section aria-labelledby="recurring-title">
        <h1 id="recurring-title">{t("recurring.notFound")}</h1>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
        <p>
          <Link view="recurring">{t("common.back")}</Link>
        </p>
      </section>
    );
  const r = query.data;
  const writer = can("documents:write");
  return (
    <section aria-labelledby="recurring-title">
      <p>
        <Link view="recurring">{t("recurring.title")}</Link>
      </p>
      <div className="page-head">
        <h1 id="recurring-title">{r.customer_name ?? r.id}</h1>
        <span className={`badge badge-${r.status}`}>{t(`recurring.status.${r.status}` as MessageKey)}</span>
      </div>
      {writer && (
        <div className="toolbar" role="group" aria-label={t("recurring.actions")}>
          {r.status === "active" && (
            <button type="button" className="button" disabled={toggle.isPending} onClick={() => toggle.mutate({ id, pause: true }, { onSuccess: () => toast(t("recurring.paused")) })}>
              {t("recurring.pause")}
            </button>
          )}
          {r.status === "paused" && (
            <button type="button" className="button primary" disabled={toggle.isPending} onClick={() => toggle.mutate({ id, pause: false }, { onSuccess: () => toast(t("recurring.resumed")) })}>
              {t("recurring.resume")}
            </button>
          )}
          <button type="button" className="button danger" aria-expanded={confirming} onClick={() => setConfirming((c) => !c)}>
            {t("common.delete")}
          </button>
        </div>
      )}
      <FieldErrors error={toggle.error} />
      {confirming && (
        <Confirm
          className="panel"
          label={t("common.delete")}
          question={t("recurring.confirmDelete")}
          confirm={t("common.delete")}
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(id, {
              onSuccess: () => {
                toast(t("recurring.deleted"));
                navigate("recurring", {}, { replace: true });
              },
            })
          }
        >
          <FieldErrors error={remove.error} />
        </Confirm>
      )}
      <dl className="facts">
        <dt>{t("recurring.frequency")}</dt>
        <dd>{frequency(r)}</dd>
        <dt>{t("recurring.action")}</dt>
        <dd>{t(`recurring.action.${r.action}` as MessageKey)}</dd>
        <dt>{t("recurring.timezone")}</dt>
        <dd>{r.schedule.timezone}</dd>
        <dt>{t("recurring.nextRun")}</dt>
        <dd>{r.next_period_start ? date(r.next_period_start) : "—"}</dd>
      </dl>
      {r.failure && (
        <div className="panel" role="alert">
          <h2>{t("recurring.failure")}</h2>
          <p>{r.failure.message}</p>
          <p>{t("recurring.attempts", { n: r.failure.attempts })}</p>
        </div>
      )}
      <h2>{t("recurring.upcoming")}</h2>
      {r.upcoming.length === 0 ? (
        <p>—</p>
      ) : (
        <ul aria-label={t("recurring.upcoming")}>
          {r.upcoming.map((d) => (
            <li key={d}>{date(d)}</li>
          ))}
        </ul>
      )}
      <h2>{t("recurring.invoices")}</h2>
      {invoices.data && invoices.data.data.length > 0 ? (
        <table aria-label={t("recurring.invoices")}>
          <thead>
            <tr>
              <th scope="col">{t("invoices.number")}</th>
              <th scope="col">{t("common.date")}</th>
              <th scope="col">{t("invoices.status")}</th>
              <th scope="col" className="num">
                {t("invoices.total")}
              </th>
            </tr>
          </thead>
          <tbody>
            {invoices.data.data.map((inv) => (
              <tr key={inv.id}>
                <td className="nowrap">
                  <Link view={`invoice/${inv.id}`}>{inv.number ?? t("invoices.draftNumber")}</Link>
                </td>
                <td className="nowrap">{date(inv.date)}</td>
                <td>
                  <StatusBadge status={inv.status} />
                </td>
                <td className="num">
                  <Money amount={inv.total_with_tax} currency={inv.currency_code} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("recurring.noInvoices")}</p>
      )}
    </section>
  );
}
