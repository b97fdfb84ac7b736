/**
 * Reports: the VAT summary of a period (`GET /v1/reports/vat`), one table per currency, grouped by VAT
 * treatment, then category and rate (OSS rows per buyer country), with the currency's totals. The period
 * lives in the URL (`?view=reports&date_from=…&date_to=…`, this month when absent); presets fill it in.
 * Printable: the print stylesheet hides the navigation and the form and prints each table whole.
 */
import type { FormEvent } from "react";
import { DateRange } from "../../components/DateRange";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";
import { type MessageKey, useI18n } from "../../i18n";
import { countryName } from "../../lib/countries";
import { today } from "../../lib/dates";
import { parseSearch } from "../../lib/search";
import { type Period, PRESETS, presetOf, presetPeriod } from "../../lib/periods";
import { navigate, useLocation } from "../../router";
import { reportSearch } from "../../routes/search";
import { useVatReport, type VatReport } from "./api";
import { byTreatment, ordered } from "./vatRows";

function VatTable({ report, currency }: { report: VatReport; currency: string }) {
  const { t, locale } = useI18n();
  const rows = ordered(report.rows.filter((r) => r.currency_code === currency));
  const total = report.totals.find((x) => x.currency_code === currency);
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 4 });
  const treatmentName = (code: string | null) => {
    if (!code) return t("reports.noTreatment");
    const key = `tax.code.${code}` as MessageKey;
    return t(key) === key ? code : t(key);
  };
  const label = t("reports.vatIn", { currency });
  return (
    <div className="table-scroll report-table">
      <table className="table" aria-label={label} data-currency={currency}>
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reports.category")}</th>
            <th scope="col" className="num">
              {t("reports.rate")}
            </th>
            <th scope="col">{t("reports.buyerCountry")}</th>
            <th scope="col" className="num">
              {t("reports.documents")}
            </th>
            <th scope="col" className="num">
              {t("reports.net")}
            </th>
            <th scope="col" className="num">
              {t("reports.tax")}
            </th>
          </tr>
        </thead>
        {byTreatment(rows).map(([treatment, group]) => (
          <tbody key={treatment ?? "-"} data-treatment={treatment ?? ""}>
            <tr className="group-row">
              <th scope="rowgroup" colSpan={6}>
                {treatmentName(treatment)}
              </th>
            </tr>
            {group.map((row, i) => (
              <tr key={i} data-row={[row.tax_treatment ?? "", row.category ?? "", row.rate, row.buyer_country ?? ""].join("|")}>
                <td>{row.category ?? "—"}</td>
                <td className="num">{percent.format(Number(row.rate) / 100)}</td>
                <td>{row.buyer_country ? countryName(locale, row.buyer_country) : "—"}</td>
                <td className="num">{row.documents}</td>
                <td className="num">
                  <Money amount={row.net} currency={currency} />
                </td>
                <td className="num">
                  <Money amount={row.tax} currency={currency} />
                </td>
              </tr>
            ))}
          </tbody>
        ))}
        {total && (
          <tfoot>
            <tr data-row="total">
              <th scope="row" colSpan={4}>
                {t("reports.total")}
              </th>
              <td className="num">
                <Money amount={total.net} currency={currency} />
              </td>
              <td className="num">
                <Money amount={total.tax} currency={currency} />
              </td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

export default function ReportsPage() {
  const { t, date } = useI18n();
  const { params } = useLocation();
  const day = today();
  const chosen = parseSearch(reportSearch, params);
  const period: Period =
    chosen.date_from && chosen.date_to ? { date_from: chosen.date_from, date_to: chosen.date_to } : presetPeriod("thisMonth", day);
  const preset = presetOf(period, day);
  const query = useVatReport(period);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate("reports", { date_from: String(form.get("date_from") ?? ""), date_to: String(form.get("date_to") ?? "") });
  };

  return (
    <section aria-labelledby="reports-title" className="reports">
      <div className="page-head">
        <h1 id="reports-title">{t("reports.title")}</h1>
        <button type="button" className="button no-print" onClick={() => window.print()}>
          {t("reports.print")}
        </button>
      </div>
      <p className="report-period" data-testid="report-period">
        {t("reports.period", { from: date(period.date_from), to: date(period.date_to) })}
      </p>

      <div className="presets no-print" role="group" aria-label={t("reports.presets")}>
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className={p === preset ? "button primary" : "button"}
            aria-pressed={p === preset}
            onClick={() => navigate("reports", { ...presetPeriod(p, day) })}
          >
            {t(`periods.${p}` as MessageKey)}
          </button>
        ))}
      </div>

      <form className="filters no-print" aria-label={t("reports.periodForm")} onSubmit={apply} key={`${period.date_from}/${period.date_to}`}>
        <DateRange from={period.date_from} to={period.date_to} error={query.error} />
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("reports.show")}
          </button>
        </div>
      </form>

      <QueryResult query={query} isEmpty={(data) => data.rows.length === 0} empty={t("reports.empty")}>
        {(data) => {
          const currencies = [...new Set([...data.totals.map((x) => x.currency_code), ...data.rows.map((r) => r.currency_code)])];
          return currencies.map((currency) => <VatTable key={currency} report={data} currency={currency} />);
        }}
      </QueryResult>
    </section>
  );
}
