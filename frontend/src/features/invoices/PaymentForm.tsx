/** Record a payment against an invoice. */
import { type FormEvent } from "react";
import { type Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { useRecordPayment } from "./api";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { SelectField } from "../../components/SelectField";
import { toast } from "../../components/toast";
import { today } from "../../lib/dates";

export const PAYMENT_TYPES = ["bank_transfer", "card", "cash", "paypal", "direct_debit", "online", "other"] as const;

export function PaymentForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useI18n();
  const record = useRecordPayment(invoice);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    record.mutate(
      {
        invoice_id: invoice.id,
        amount: String(form.get("amount")),
        date: String(form.get("date") || today()),
        type: String(form.get("type")) as (typeof PAYMENT_TYPES)[number],
        reference: String(form.get("reference") || "") || null,
      },
      {
        onSuccess: () => {
          toast(t("invoice.paymentRecorded"));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("invoice.recordPayment")}>
      <h2>{t("invoice.recordPayment")}</h2>
      <FieldErrors error={record.error} />
      <div className="grid">
        <label>
          {t("common.amount")}
          <input name="amount" inputMode="decimal" required defaultValue={invoice.total_due} />
        </label>
        <label>
          {t("common.date")}
          <input name="date" type="date" required defaultValue={today()} />
        </label>
        <SelectField
          label={t("invoice.paymentType")}
          name="type"
          defaultValue="bank_transfer"
          options={PAYMENT_TYPES}
          optionLabel={(type) => t(`payment.${type}`)}
        />
        <label>
          {t("invoice.reference")}
          <input name="reference" />
        </label>
      </div>
      <FormButtons label={record.isPending ? t("common.saving") : t("invoice.recordPayment")} disabled={record.isPending} onCancel={onDone} />
    </form>
  );
}
