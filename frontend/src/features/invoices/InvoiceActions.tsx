/**
 * What can be done with an invoice, as the role and its state allow: issue, edit or delete a draft, record a
 * payment, credit, send by e-mail, void (only where the API accepts it: `rules.ts`), the PDF.
 */
import { useState } from "react";
import { type Invoice } from "../../api/client";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import { useDeleteDraft, useFinalize } from "./api";
import { CreditNoteForm } from "./CreditNoteForm";
import { Confirm } from "../../components/Confirm";
import { FieldErrors } from "../../components/FieldErrors";
import { toast } from "../../components/toast";
import { PaymentForm } from "./PaymentForm";
import { EInvoiceMenu } from "./EInvoiceMenu";
import { PdfButton } from "./PdfButton";
import { canSend, canVoid } from "./rules";
import { SendForm } from "./SendForm";
import { VoidForm } from "./VoidForm";
import { RecurringForm } from "../recurring/RecurringForm";

export function InvoiceActions({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const [panel, setPanel] = useState<"payment" | "void" | "credit" | "delete" | "send" | "recurring" | null>(null);
  const finalize = useFinalize();
  const remove = useDeleteDraft();
  const writer = can("documents:write");
  const payer = can("payments:write");
  const open = ["issued", "partially_paid"].includes(invoice.status);
  const creditable = ["issued", "partially_paid", "paid"].includes(invoice.status);
  const voidable = canVoid(invoice);
  const toggle = (name: typeof panel) => setPanel((p) => (p === name ? null : name));

  return (
    <div className="actions-area">
      <div className="toolbar" role="group" aria-label={t("invoice.actions")}>
        {invoice.status === "draft" && writer && (
          <>
            <button
              type="button"
              className="button primary"
              disabled={finalize.isPending}
              onClick={() =>
                finalize.mutate(invoice.id, { onSuccess: (inv) => toast(t("invoice.issued", { number: inv.number ?? "" })) })
              }
            >
              {t("invoice.issue")}
            </button>
            <button type="button" className="button" onClick={() => navigate(`invoice/${invoice.id}/edit`)}>
              {t("invoice.editDraft")}
            </button>
            <button type="button" className="button danger" aria-expanded={panel === "delete"} onClick={() => toggle("delete")}>
              {t("invoice.deleteDraft")}
            </button>
          </>
        )}
        {open && payer && (
          <button type="button" className="button" aria-expanded={panel === "payment"} onClick={() => toggle("payment")}>
            {t("invoice.recordPayment")}
          </button>
        )}
        {creditable && writer && (
          <button type="button" className="button" aria-expanded={panel === "credit"} onClick={() => toggle("credit")}>
            {t("invoice.creditNote")}
          </button>
        )}
        {canSend(invoice) && writer && (
          <button type="button" className="button" aria-expanded={panel === "send"} onClick={() => toggle("send")}>
            {t("send.button")}
          </button>
        )}
        {voidable && writer && (
          <button type="button" className="button danger" aria-expanded={panel === "void"} onClick={() => toggle("void")}>
            {t("invoice.void")}
          </button>
        )}
        {writer && !invoice.recurring_invoice_id && invoice.status !== "voided" && (
          <button type="button" className="button" aria-expanded={panel === "recurring"} onClick={() => toggle("recurring")}>
            {t("recurring.make")}
          </button>
        )}
        {invoice.status !== "draft" && <PdfButton doc={invoice} />}
        {invoice.status !== "draft" && <EInvoiceMenu doc={invoice} />}
      </div>
      {panel === "payment" && <PaymentForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "void" && <VoidForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "send" && <SendForm doc={invoice} onDone={() => setPanel(null)} />}
      {panel === "credit" && <CreditNoteForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "recurring" && <RecurringForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "delete" && (
        <Confirm
          className="panel"
          label={t("invoice.deleteDraft")}
          question={t("invoice.confirmDelete")}
          confirm={t("common.delete")}
          busy={remove.isPending}
          onCancel={() => setPanel(null)}
          onConfirm={() =>
            remove.mutate(invoice.id, {
              onSuccess: () => {
                toast(t("invoice.deleted"));
                navigate("invoices", {}, { replace: true });
              },
            })
          }
        >
          <FieldErrors error={remove.error} />
        </Confirm>
      )}
    </div>
  );
}
