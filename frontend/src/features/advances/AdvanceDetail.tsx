/** One advance invoice: its figures and state, the PDF and e-invoices, a payment, voiding it, and the final
 * invoice that deducted it. */
import { type FormEvent, useState } from "react";
import { type AdvanceInvoice } from "../../api/client";
import { FieldErrors } from "../../components/FieldErrors";
import { Link } from "../../components/Link";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";
import { StatusBadge } from "../../components/StatusBadge";
import { toast } from "../../components/toast";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { today } from "../../lib/dates";
import { EInvoiceMenu } from "../invoices/EInvoiceMenu";
import { PdfButton } from "../invoices/PdfButton";
import { useAdvanceInvoice, useAdvancePayment, useVoidAdvance } from "./api";

function Actions({ advance }: { advance: AdvanceInvoice }) {
  const { t } = useI18n();
  const pay = useAdvancePayment(advance.id);
  const voiding = useVoidAdvance(advance.id);
  const [paying, setPaying] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    pay.mutate(
      { invoice_id: advance.id, amount: String(form.get("amount")), date: today(), type: "bank_transfer" },
      {
        onSuccess: () => {
          toast(t("invoice.paymentRecorded"));
          setPaying(false);
        },
      },
    );
  };
  const open = advance.status === "issued" || advance.status === "paid";
  return (
    <>
      <FieldErrors error={pay.error ?? voiding.error} />
      <div className="toolbar">
        <PdfButton doc={advance} />
        <EInvoiceMenu doc={advance} />
        {can("documents:write") && Number(advance.total_due) > 0 && advance.status !== "voided" && (
          <button type="button" className="button" onClick={() => setPaying(true)}>
            {t("invoice.recordPayment")}
          </button>
        )}
        {can("documents:write") && open && Number(advance.total_paid) === 0 && (
          <button type="button" className="button" disabled={voiding.isPending} onClick={() => voiding.mutate(null)}>
            {t("advances.void")}
          </button>
        )}
      </div>
      {paying && (
        <form className="panel" onSubmit={submit} aria-label={t("invoice.recordPayment")}>
          <label>
            {t("common.amount")}
            <input name="amount" inputMode="decimal" required defaultValue={advance.total_due} />
          </label>
          <button type="submit" className="button primary" disabled={pay.isPending}>
            {t("invoice.recordPayment")}
          </button>
        </form>
      )}
    </>
  );
}

export default function AdvanceDetail({ id }: { id: string }) {
  const { t, date } = useI18n();
  const query = useAdvanceInvoice(id);
  return (
    <section aria-labelledby="advance-title">
      <p>
        <Link view="advances">← {t("common.back")}</Link>
      </p>
      <QueryResult query={query}>
        {(advance) => (
          <>
            <h1 id="advance-title">
              {t("advances.one")} {advance.number} <StatusBadge status={advance.status} />
            </h1>
            <dl className="facts">
              <dt>{t("invoices.customer")}</dt>
              <dd>{advance.customer.name}</dd>
              <dt>{t("common.date")}</dt>
              <dd>{date(advance.date)}</dd>
              <dt>{t("invoices.total")}</dt>
              <dd>
                <Money amount={advance.total_with_tax} currency={advance.currency_code} />
              </dd>
              <dt>{t("invoices.due")}</dt>
              <dd>
                <Money amount={advance.total_due} currency={advance.currency_code} />
              </dd>
              {advance.deducted_by_invoice_id && (
                <>
                  <dt>{t("advances.deductedBy")}</dt>
                  <dd>
                    <Link view={`invoice/${advance.deducted_by_invoice_id}`}>{advance.deducted_by_invoice_id}</Link>
                  </dd>
                </>
              )}
            </dl>
            <table aria-label={t("invoice.lines")}>
              <tbody>
                {advance.items.map((line, i) => (
                  <tr key={i}>
                    <td>{line.name}</td>
                    <td>{line.taxes.map((x) => `${x.name} ${x.rate} %`).join(" + ")}</td>
                    <td className="num">
                      <Money amount={line.total} currency={advance.currency_code} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Actions advance={advance} />
          </>
        )}
      </QueryResult>
    </section>
  );
}
