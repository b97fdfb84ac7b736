/**
 * Home, the first screen: this month against the month before (issued, paid, outstanding, overdue, per
 * currency), revenue by month for the last twelve months (a chart loaded on demand), the largest open
 * invoices and the overdue ones to chase. One summary call (`group_by=month` over the twelve months)
 * feeds both the figures and the chart.
 */
import { lazy, Suspense } from "react";
import type { Invoice } from "../../api/client";
import { Empty } from "../../components/Empty";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";
import { can } from "../../embed/session";
import { type MessageKey, useI18n } from "../../i18n";
import { today } from "../../lib/dates";
import { lastMonths, previousMonth } from "../../lib/periods";
import { navigate } from "../../router";
import { useInvoices } from "../invoices/api";
import { type Figures, type Summary, useSummary } from "../reports/api";

const RevenueChart = lazy(() => import("./RevenueChart"));

const METRICS: { key: "issued" | "paid" | "outstanding" | "overdue"; label: MessageKey; count?: "outstanding_count" | "overdue_count" }[] = [
  { key: "issued", label: "home.issued" },
  { key: "paid", label: "home.paid" },
  { key: "outstanding", label: "home.outstanding", count: "outstanding_count" },
  { key: "overdue", label: "home.overdue", count: "overdue_count" },
];

/** The currencies that have figures in `groups`, in the order they first appear. */
function currenciesOf(groups: Summary["groups"]): string[] {
  const seen: string[] = [];
  for (const group of groups) for (const f of group.figures) if (!seen.includes(f.currency_code)) seen.push(f.currency_code);
  return seen;
}

const figuresIn = (group: Summary["groups"][number] | undefined, currency: string): Figures | undefined =>
  group?.figures.find((f) => f.currency_code === currency);

/** This month and the one before, per currency. */
function MonthFigures({ summary, month }: { summary: Summary; month: string }) {
  const { t } = useI18n();
  const current = summary.groups.find((g) => g.key === month);
  const before = summary.groups.find((g) => g.key === previousMonth(month));
  const currencies = currenciesOf([current, before].filter((g) => g !== undefined));
  if (!currencies.length) return <Empty>{t("home.noActivity")}</Empty>;
  return (
    <>
      {currencies.map((currency) => {
        const now = figuresIn(current, currency);
        const then = figuresIn(before, currency);
        return (
          <section key={currency} className="stat-block" aria-label={t("home.figuresIn", { currency })}>
            {currencies.length > 1 && <h3>{currency}</h3>}
            <div className="stat-grid">
              {METRICS.map((metric) => (
                <div key={metric.key} className="stat" role="group" aria-label={t(metric.label)} data-testid={`stat-${metric.key}-${currency}`}>
                  <span className="stat-label">{t(metric.label)}</span>
                  <span className="stat-value" data-testid="this-month">
                    <Money amount={now?.[metric.key] ?? "0"} currency={currency} />
                  </span>
                  {metric.count && (
                    <span className="stat-count" data-testid="this-month-count">
                      {t("home.invoiceCount", { count: now?.[metric.count] ?? 0 })}
                    </span>
                  )}
                  <span className="stat-compare" data-testid="last-month">
                    {t("home.lastMonth")}: <Money amount={then?.[metric.key] ?? "0"} currency={currency} />
                  </span>
                </div>
              ))}
            </div>
          </section>
        );
      })}
    </>
  );
}

/** Revenue (net, without VAT, after credit notes) by month: one chart per currency, never summed across. */
function Revenue({ summary }: { summary: Summary }) {
  const { t } = useI18n();
  const currencies = currenciesOf(summary.groups);
  if (!currencies.length) return <Empty>{t("home.noRevenue")}</Empty>;
  return (
    <Suspense fallback={<Loading />}>
      {currencies.map((currency) => (
        <RevenueChart
          key={currency}
          currency={currency}
          months={summary.groups.map((g) => ({ month: g.key, net: figuresIn(g, currency)?.net ?? "0" }))}
        />
      ))}
    </Suspense>
  );
}

/** A short list of invoices, each linking to it, with the amount due. */
function InvoiceTable({ label, rows, showDueDate }: { label: string; rows: Invoice[]; showDueDate?: boolean }) {
  const { t, date } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table table-cards" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{t("invoices.number")}</th>
            <th scope="col">{t("invoices.customer")}</th>
            <th scope="col">{showDueDate ? t("home.dueDate") : t("common.date")}</th>
            <th scope="col" className="num">
              {t("invoices.due")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((invoice) => (
            <tr key={invoice.id}>
              <td className="nowrap" data-label={t("invoices.number")}>
                <Link view={`invoice/${invoice.id}`}>{invoice.number}</Link>
              </td>
              <td data-label={t("invoices.customer")}>{invoice.customer.name}</td>
              <td className="nowrap" data-label={showDueDate ? t("home.dueDate") : t("common.date")}>{date(showDueDate ? invoice.date_due : invoice.date)}</td>
              <td className="num" data-label={t("invoices.due")}>
                <Money amount={invoice.total_due} currency={invoice.currency_code} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const OPEN = ["issued", "partially_paid"] as const;

export default function HomePage() {
  const { t } = useI18n();
  const day = today();
  const summary = useSummary(lastMonths(day, 12), "month");
  // the invoices with something to pay, largest first (a draft asks nobody for money yet)
  const open = useInvoices({ status: OPEN, sort: "-total_due", limit: 5 });
  const overdue = useInvoices({ overdue: true, limit: 10 });
  const create = can("documents:write");

  return (
    <section aria-labelledby="home-title" className="home">
      <div className="page-head">
        <h1 id="home-title">{t("home.title")}</h1>
        {create && (
          <button type="button" className="button primary" onClick={() => navigate("invoice/new")}>
            {t("invoices.new")}
          </button>
        )}
      </div>

      <QueryResult query={summary}>
        {(data) =>
          data.groups.every((g) => g.figures.length === 0) ? (
            <Empty>{create ? t("home.emptyCreate") : t("home.empty")}</Empty>
          ) : (
            <>
              <h2>{t("home.thisMonth")}</h2>
              <MonthFigures summary={data} month={day.slice(0, 7)} />
              <h2>{t("home.revenue")}</h2>
              <Revenue summary={data} />
            </>
          )
        }
      </QueryResult>

      <div className="home-lists">
        <section aria-labelledby="home-open">
          <h2 id="home-open">{t("home.largestOpen")}</h2>
          <QueryResult query={open} isEmpty={(data) => data.data.length === 0} empty={t("home.noneOpen")}>
            {(data) => <InvoiceTable label={t("home.largestOpen")} rows={data.data} />}
          </QueryResult>
        </section>
        <section aria-labelledby="home-overdue">
          <h2 id="home-overdue">{t("home.toChase")}</h2>
          <QueryResult query={overdue} isEmpty={(data) => data.data.length === 0} empty={t("home.noneOverdue")}>
            {(data) => (
              <>
                <InvoiceTable label={t("home.toChase")} rows={data.data} showDueDate />
                {data.next_cursor && <p className="hint">{t("home.moreOverdue")}</p>}
              </>
            )}
          </QueryResult>
        </section>
      </div>
    </section>
  );
}
