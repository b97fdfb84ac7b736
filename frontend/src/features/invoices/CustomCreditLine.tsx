/** A credit note's own line (a goodwill amount, a fee refunded): name, amount, tax name and rates. */
import { useI18n } from "../../i18n";

export interface CustomLine {
  enabled: boolean;
  name: string;
  amount: string;
  taxName: string;
  taxes: string;
}

export function CustomCreditLine({ line, taxNames, onChange }: { line: CustomLine; taxNames: string[]; onChange: (patch: Partial<CustomLine>) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={line.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} />
        {t("credit.addCustom")}
      </label>
      {line.enabled && (
        <div className="grid">
          <label className="grow">
            {t("credit.customName")}
            <input value={line.name} onChange={(e) => onChange({ name: e.target.value })} autoComplete="off" />
          </label>
          <label>
            {t("credit.customAmount")}
            <input value={line.amount} onChange={(e) => onChange({ amount: e.target.value })} inputMode="decimal" className="short" required />
          </label>
          <label>
            {t("credit.customTaxName")}
            <input value={line.taxName} onChange={(e) => onChange({ taxName: e.target.value })} list="credit-tax-names" autoComplete="off" className="short" />
          </label>
          <datalist id="credit-tax-names">
            {taxNames.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <label>
            {t("credit.customTax")}
            <input value={line.taxes} onChange={(e) => onChange({ taxes: e.target.value })} className="short" />
          </label>
        </div>
      )}
    </>
  );
}
