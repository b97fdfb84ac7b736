/** Void an issued invoice, with an optional reason. */
import { type FormEvent } from "react";
import { type Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { useVoid } from "./api";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { toast } from "../../components/toast";

export function VoidForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useI18n();
  const voidInvoice = useVoid();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    voidInvoice.mutate(
      { id: invoice.id, reason },
      {
        onSuccess: () => {
          toast(t("invoice.voided"));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("invoice.void")}>
      <h2>{t("invoice.void")}</h2>
      <FieldErrors error={voidInvoice.error} />
      <label>
        {t("invoice.voidReason")}
        <input name="reason" maxLength={500} />
      </label>
      <FormButtons label={t("invoice.void")} disabled={voidInvoice.isPending} danger onCancel={onDone} />
    </form>
  );
}
