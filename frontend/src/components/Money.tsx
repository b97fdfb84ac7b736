/** An amount in its currency, formatted for the UI language. */
import { useI18n } from "../i18n";

export function Money({ amount, currency }: { amount: string | null | undefined; currency: string }) {
  const { money } = useI18n();
  return <span className="money">{money(amount, currency)}</span>;
}
