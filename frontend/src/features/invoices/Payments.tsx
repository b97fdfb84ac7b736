/** The payments recorded against an invoice. */
import { type Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { usePayments } from "./api";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";

export function Payments({ invoice }: { invoice: Invoice }) {
  const { t, date } = useI18n();
  const query = usePayments(invoice.id);
  return (
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">{t("invoice.payments")}</h2>
      <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={t("invoice.noPayments")}>
        {(data) => (
          <table className="table" aria-labelledby="payments-title">
            <thead>
              <tr>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("invoice.paymentType")}</th>
                <th scope="col">{t("invoice.reference")}</th>
                <th scope="col" className="num">
                  {t("common.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((p) => (
                <tr key={p.id}>
                  <td className="nowrap">{date(p.date)}</td>
                  <td>{t(`payment.${p.type}` as never) || p.type}</td>
                  <td>{p.reference ?? "—"}</td>
                  <td className="num">
                    <Money amount={p.amount} currency={p.currency_code} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryResult>
    </section>
  );
}
