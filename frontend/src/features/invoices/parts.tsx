/** Pieces shared by the invoice view and the draft editor's live preview. */
import { useI18n } from "../../i18n";
import { Money } from "../../components/Money";

export interface LineRow {
  name: string;
  quantity: string;
  price: string;
  discount: string;
  taxes: string[];
  total: string;
}

export function LinesTable({ lines, currency }: { lines: LineRow[]; currency: string }) {
  const { t, number } = useI18n();
  return (
    <table className="table" aria-labelledby="lines-title">
      <thead>
        <tr>
          <th scope="col">{t("invoice.item")}</th>
          <th scope="col" className="num">
            {t("invoice.quantity")}
          </th>
          <th scope="col" className="num">
            {t("common.price")}
          </th>
          <th scope="col" className="num">
            {t("invoice.discount")}
          </th>
          <th scope="col" className="num">
            {t("invoice.taxRate")}
          </th>
          <th scope="col" className="num">
            {t("invoice.lineTotal")}
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, i) => (
          <tr key={i}>
            <td>{line.name}</td>
            <td className="num">{number(line.quantity)}</td>
            <td className="num">
              <Money amount={line.price} currency={currency} />
            </td>
            <td className="num">{Number(line.discount) ? number(line.discount) : "—"}</td>
            <td className="num">{line.taxes.length ? line.taxes.map((r) => number(r)).join(", ") : "—"}</td>
            <td className="num">
              <Money amount={line.total} currency={currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface TaxRow {
  name: string;
  rate: string;
  base: string;
  amount: string;
}

export function TotalsList({
  currency,
  taxes,
  total,
  totalTax,
  totalWithTax,
  extra = [],
  labelId,
  title,
}: {
  currency: string;
  taxes: TaxRow[];
  total: string;
  totalTax: string;
  totalWithTax: string;
  extra?: { label: string; amount: string; testId?: string }[];
  labelId: string;
  title?: string;
}) {
  const { t, number } = useI18n();
  return (
    <section aria-labelledby={labelId} className="totals">
      <h2 id={labelId}>{title ?? t("invoice.totals")}</h2>
      {taxes.length > 0 && (
        <table className="table compact" aria-label={t("invoice.taxBreakdown")}>
          <thead>
            <tr>
              <th scope="col">{t("invoice.taxBreakdown")}</th>
              <th scope="col" className="num">
                {t("invoice.taxBase")}
              </th>
              <th scope="col" className="num">
                {t("invoice.taxAmount")}
              </th>
            </tr>
          </thead>
          <tbody>
            {taxes.map((tax) => (
              <tr key={`${tax.name}-${tax.rate}`}>
                <td>
                  {tax.name} {number(tax.rate)} %
                </td>
                <td className="num">
                  <Money amount={tax.base} currency={currency} />
                </td>
                <td className="num">
                  <Money amount={tax.amount} currency={currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="sums">
        <div>
          <dt>{t("invoice.subtotal")}</dt>
          <dd data-testid={`${labelId}-total`}>
            <Money amount={total} currency={currency} />
          </dd>
        </div>
        <div>
          <dt>{t("invoice.totalTax")}</dt>
          <dd data-testid={`${labelId}-tax`}>
            <Money amount={totalTax} currency={currency} />
          </dd>
        </div>
        <div className="grand">
          <dt>{t("invoice.totalWithTax")}</dt>
          <dd data-testid={`${labelId}-with-tax`}>
            <Money amount={totalWithTax} currency={currency} />
          </dd>
        </div>
        {extra.map((row) => (
          <div key={row.label}>
            <dt>{row.label}</dt>
            <dd data-testid={row.testId && `${labelId}-${row.testId}`}>
              <Money amount={row.amount} currency={currency} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
