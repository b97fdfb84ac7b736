/** The tax breakdown and the totals of an invoice, a draft's live preview or a credit note being composed. */
import { useI18n } from "../../i18n";
import { Money } from "../../components/Money";

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
