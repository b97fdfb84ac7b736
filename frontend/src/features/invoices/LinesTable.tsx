/** An invoice's lines as a table (the invoice view). */
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
