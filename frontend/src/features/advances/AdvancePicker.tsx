/** The invoice editor's choice of the customer's open advance invoices to deduct (`advance_invoice_ids`). */
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";
import { useOpenAdvances } from "./api";

export function AdvancePicker({ customerId, chosen, onChange }: { customerId: string; chosen: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useI18n();
  const open = useOpenAdvances(customerId);
  if (!customerId || open.length === 0) return null;
  return (
    <fieldset>
      <legend>{t("advances.deduct")}</legend>
      {open.map((adv) => (
        <label key={adv.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(adv.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, adv.id] : chosen.filter((id) => id !== adv.id))}
          />
          {adv.number} (<Money amount={adv.total_with_tax} currency={adv.currency_code} />)
        </label>
      ))}
    </fieldset>
  );
}
