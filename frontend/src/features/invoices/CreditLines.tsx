/** The invoice's lines to choose from for a credit note, each with the quantity to credit. */
import type { Invoice } from "../../api/client";
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";

export interface LineChoice {
  selected: boolean;
  quantity: string;
}

export function CreditLines({
  invoice,
  choices,
  onChoose,
}: {
  invoice: Invoice;
  choices: LineChoice[];
  onChoose: (index: number, patch: Partial<LineChoice>) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const currency = invoice.currency_code;
  return (
    <table className="table credit-lines" aria-label={t("credit.linesTable")}>
      <thead>
        <tr>
          <th scope="col">{t("credit.credit")}</th>
          <th scope="col">{t("invoice.item")}</th>
          <th scope="col" className="num">
            {t("credit.invoiced")}
          </th>
          <th scope="col" className="num">
            {t("credit.quantity")}
          </th>
          <th scope="col" className="num">
            {t("common.price")}
          </th>
        </tr>
      </thead>
      <tbody>
        {invoice.items.map((line, i) => {
          const n = i + 1;
          return (
            <tr key={i}>
              <td>
                <input
                  type="checkbox"
                  aria-label={t("credit.selectLine", { n, name: line.name })}
                  checked={choices[i].selected}
                  onChange={(e) => onChoose(i, { selected: e.target.checked })}
                />
              </td>
              <td>{line.name}</td>
              <td className="num">{i18n.number(line.quantity)}</td>
              <td className="num">
                <input
                  aria-label={t("credit.lineQuantity", { n, name: line.name })}
                  inputMode="decimal"
                  className="short"
                  value={choices[i].quantity}
                  disabled={!choices[i].selected}
                  onChange={(e) => onChoose(i, { quantity: e.target.value })}
                />
              </td>
              <td className="num">
                <Money amount={line.price} currency={currency} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
