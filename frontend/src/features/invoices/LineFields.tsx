/** One line of a draft: item, quantity, price, discount, tax name and rates; removable while others remain. */
import { type MessageKey, useI18n } from "../../i18n";
import type { LineState } from "./draft";
import { isLineKind, isTaxClass, LINE_KINDS, type PreviewLine, TAX_CLASSES } from "./tax";

export function LineFields({
  line,
  n,
  onChange,
  onRemove,
  decided,
}: {
  line: LineState;
  /** what the server's preview says of this line: its rates and their VAT categories */
  decided?: PreviewLine;
  /** the line's number, from 1 */
  n: number;
  onChange: (patch: Partial<LineState>) => void;
  /** absent for the only line */
  onRemove?: () => void;
}) {
  const { t, number } = useI18n();
  const rates = decided?.taxes.map((x) => `${x.name} ${number(x.rate)} % (${t("tax.category", { code: x.category })})`).join(", ");
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
      <label>
        {t("tax.kind")}
        <select aria-label={t("editor.lineKind", { n })} value={line.kind} onChange={(e) => isLineKind(e.target.value) && onChange({ kind: e.target.value })}>
          {LINE_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`tax.kind.${kind}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("tax.class")}
        <select
          aria-label={t("editor.lineTaxClass", { n })}
          value={line.taxClass}
          onChange={(e) => isTaxClass(e.target.value) && onChange({ taxClass: e.target.value })}
        >
          {TAX_CLASSES.map((taxClass) => (
            <option key={taxClass} value={taxClass}>
              {t(`tax.class.${taxClass}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {onRemove && (
        <button type="button" className="button subtle" aria-label={t("editor.removeLine", { n })} onClick={onRemove}>
          ×
        </button>
      )}
      {rates !== undefined && (
        <output className="hint line-rates" data-testid={`line-rates-${n}`} aria-label={t("editor.lineRates", { n })}>
          {t("tax.lineRate", { rates: rates || "—" })}
        </output>
      )}
    </li>
  );
}
