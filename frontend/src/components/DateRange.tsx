/** The "from" and "to" date filters of a list. */
import { useI18n } from "../i18n";

/** The "from" and "to" date filters. */
export function DateRange({ from, to }: { from: string | undefined; to: string | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t("invoices.dateFrom")}
        <input type="date" name="date_from" defaultValue={from ?? ""} />
      </label>
      <label>
        {t("invoices.dateTo")}
        <input type="date" name="date_to" defaultValue={to ?? ""} />
      </label>
    </>
  );
}
