/** One line of a draft: item, quantity, price, discount, tax name and rates; removable while others remain. */
import { useI18n } from "../../i18n";
import type { LineState } from "./draft";

export function LineFields({
  line,
  n,
  onChange,
  onRemove,
}: {
  line: LineState;
  /** the line's number, from 1 */
  n: number;
  onChange: (patch: Partial<LineState>) => void;
  /** absent for the only line */
  onRemove?: () => void;
}) {
  const { t } = useI18n();
  return (
    <li className="line">
      <label className="grow">
        {t("invoice.item")}
        <input aria-label={t("editor.lineName", { n })} required value={line.name} onChange={(e) => onChange({ name: e.target.value })} />
      </label>
      <label>
        {t("invoice.quantity")}
        <input aria-label={t("editor.lineQuantity", { n })} inputMode="decimal" required value={line.quantity} onChange={(e) => onChange({ quantity: e.target.value })} className="short" />
      </label>
      <label>
        {t("common.price")}
        <input aria-label={t("editor.linePrice", { n })} inputMode="decimal" required value={line.price} onChange={(e) => onChange({ price: e.target.value })} className="short" />
      </label>
      <label>
        {t("invoice.discount")}
        <input aria-label={t("editor.lineDiscount", { n })} inputMode="decimal" value={line.discount} onChange={(e) => onChange({ discount: e.target.value })} className="short" />
      </label>
      <label>
        {t("invoice.taxName")}
        <input
          aria-label={t("editor.lineTaxName", { n })}
          list="tax-names"
          value={line.taxName}
          onChange={(e) => onChange({ taxName: e.target.value })}
          autoComplete="off"
          className="short"
        />
      </label>
      <label>
        {t("invoice.taxRate")}
        <input aria-label={t("editor.lineTax", { n })} value={line.taxes} onChange={(e) => onChange({ taxes: e.target.value })} className="short" />
      </label>
      {onRemove && (
        <button type="button" className="button subtle" aria-label={t("editor.removeLine", { n })} onClick={onRemove}>
          ×
        </button>
      )}
    </li>
  );
}
