/**
 * Revenue by month in one currency, as a bar chart (Chart.js through react-chartjs-2, only the parts a bar chart
 * needs). Loaded on demand by Home, so the chart library is not in the initial JavaScript. The bars' amounts and
 * the axis are written by the one money formatter; the same figures follow as a table for screen readers.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { useMemo } from "react";
import { Bar } from "react-chartjs-2";
import { useI18n } from "../../i18n";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** `2026-11` as the locale names the month ("Nov 26", "nov. 26"). */
function monthLabel(locale: string, month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? month
    : new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" }).format(date);
}

export default function RevenueChart({ currency, months }: { currency: string; months: { month: string; net: string }[] }) {
  const { t, locale, money } = useI18n();
  const labels = useMemo(() => months.map((m) => monthLabel(locale, m.month)), [locale, months]);
  const color = getComputedStyle(document.documentElement).getPropertyValue("--folio-primary").trim() || "#2563eb";
  const title = t("home.revenueIn", { currency });
  return (
    <figure className="chart" data-testid={`revenue-${currency}`}>
      <figcaption>{title}</figcaption>
      <div className="chart-canvas">
        <Bar
          role="img"
          aria-label={title}
          data={{
            labels,
            // a float only for drawing the bar: every amount shown is the decimal string, formatted
            datasets: [{ label: title, data: months.map((m) => Number(m.net)), backgroundColor: color, borderRadius: 3 }],
          }}
          options={{
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            locale,
            plugins: {
              tooltip: { callbacks: { label: (item) => money(months[item.dataIndex].net, currency) } },
            },
            scales: {
              y: { beginAtZero: true, ticks: { callback: (value) => money(String(value), currency), maxTicksLimit: 5 } },
            },
          }}
        />
      </div>
      <table className="sr-only" aria-label={title}>
        <thead>
          <tr>
            <th scope="col">{t("home.month")}</th>
            <th scope="col">{t("home.revenueNet")}</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m, i) => (
            <tr key={m.month} data-month={m.month}>
              <th scope="row">{labels[i]}</th>
              <td>{money(m.net, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
