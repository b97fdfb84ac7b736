/** One invoice: lines, tax breakdown, totals, payments, credit notes, the PDF, and the actions the role allows. */
import { type FormEvent, useState } from "react";
import { ApiError, apiUrl, authFetch, type Invoice } from "../../api/client";
import { describeError } from "../../api/errors";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import {
  useCreditNotes,
  useDeleteDraft,
  useFinalize,
  useInvoice,
  usePayments,
  useRecordPayment,
  useVoid,
} from "./api";
import { CreditNoteForm } from "./CreditNoteForm";
import { LinesTable, TotalsList } from "./parts";
import { Confirm } from "../../components/Confirm";
import { Empty } from "../../components/Empty";
import { ErrorState } from "../../components/ErrorState";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";
import { SelectField } from "../../components/SelectField";
import { StatusBadge } from "../../components/StatusBadge";
import { toast } from "../../components/toast";
import { today } from "../../lib/dates";

const PAYMENT_TYPES = ["bank_transfer", "card", "cash", "paypal", "direct_debit", "online", "other"] as const;

export default function InvoiceDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const query = useInvoice(id);
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <section aria-labelledby="invoice-title">
        <h1 id="invoice-title">{t("invoice.notFound")}</h1>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
        <p>
          <Link view="invoices">{t("common.back")}</Link>
        </p>
      </section>
    );
  return <InvoiceView invoice={query.data} />;
}

function InvoiceView({ invoice }: { invoice: Invoice }) {
  const { t, date } = useI18n();
  const currency = invoice.currency_code;
  const title = invoice.number ? t("invoice.title", { number: invoice.number }) : t("invoice.draftTitle");
  return (
    <article aria-labelledby="invoice-title" className="invoice">
      <p>
        <Link view="invoices">← {t("nav.invoices")}</Link>
      </p>
      <div className="page-head">
        <h1 id="invoice-title">{title}</h1>
        <StatusBadge status={invoice.status} />
      </div>
      {invoice.status === "voided" && invoice.void_reason && <p>{t("invoice.voidedBecause", { reason: invoice.void_reason })}</p>}

      <Actions invoice={invoice} />

      <div className="columns">
        <section aria-labelledby="bill-to">
          <h2 id="bill-to">{t("invoice.billTo")}</h2>
          <address>
            <strong>{invoice.customer.name}</strong>
            {[invoice.customer.address, [invoice.customer.post_code, invoice.customer.city].filter(Boolean).join(" "), invoice.customer.country, invoice.customer.email]
              .filter(Boolean)
              .map((line, i) => (
                <span key={i} className="block">
                  {line}
                </span>
              ))}
          </address>
        </section>
        <dl className="facts">
          <dt>{t("invoice.dateIssued")}</dt>
          <dd>{date(invoice.date)}</dd>
          <dt>{t("invoice.dateDue")}</dt>
          <dd>{date(invoice.date_due)}</dd>
        </dl>
      </div>

      <section aria-labelledby="lines-title">
        <h2 id="lines-title">{t("invoice.lines")}</h2>
        <LinesTable
          currency={currency}
          lines={invoice.items.map((l) => ({
            name: l.name,
            quantity: l.quantity,
            price: l.price,
            discount: l.discount,
            taxes: l.taxes.map((x) => x.rate),
            total: l.total,
          }))}
        />
      </section>

      <TotalsList
        currency={currency}
        labelId="totals-title"
        taxes={invoice.taxes.map((x) => ({ name: x.name, rate: x.rate, base: x.base, amount: x.amount }))}
        total={invoice.total}
        totalTax={invoice.total_tax}
        totalWithTax={invoice.total_with_tax}
        extra={
          invoice.status === "draft"
            ? []
            : [
                { label: t("invoice.totalPaid"), amount: invoice.total_paid, testId: "paid" },
                ...(Number(invoice.total_credited) !== 0 ? [{ label: t("invoice.totalCredited"), amount: invoice.total_credited, testId: "credited" }] : []),
                { label: t("invoice.totalDue"), amount: invoice.total_due, testId: "due" },
              ]
        }
      />

      {invoice.note && (
        <section aria-labelledby="note-title">
          <h2 id="note-title">{t("invoice.note")}</h2>
          <p className="pre">{invoice.note}</p>
        </section>
      )}

      {invoice.status !== "draft" && (
        <>
          <Payments invoice={invoice} />
          <CreditNotes invoice={invoice} />
        </>
      )}
    </article>
  );
}

function Actions({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const [panel, setPanel] = useState<"payment" | "void" | "credit" | "delete" | null>(null);
  const finalize = useFinalize();
  const remove = useDeleteDraft();
  const writer = can("documents:write");
  const payer = can("payments:write");
  const open = ["issued", "partially_paid"].includes(invoice.status);
  const creditable = ["issued", "partially_paid", "paid"].includes(invoice.status);
  const voidable = invoice.status === "issued" && Number(invoice.total_paid) === 0;
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
        {voidable && writer && (
          <button type="button" className="button danger" aria-expanded={panel === "void"} onClick={() => toggle("void")}>
            {t("invoice.void")}
          </button>
        )}
        {invoice.status !== "draft" && <PdfButton invoice={invoice} />}
      </div>
      {panel === "payment" && <PaymentForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "void" && <VoidForm invoice={invoice} onDone={() => setPanel(null)} />}
      {panel === "credit" && <CreditNoteForm invoice={invoice} onDone={() => setPanel(null)} />}
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

function PdfButton({ invoice }: { invoice: Invoice }) {
  const i18n = useI18n();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const response = await authFetch(new Request(apiUrl(`/v1/invoices/${invoice.id}/pdf`), { headers: { Accept: "application/pdf" } }));
      if (!response.ok) {
        let problem;
        try {
          problem = await response.json();
        } catch {
          problem = { status: response.status, title: response.statusText };
        }
        const error = new ApiError({ status: response.status, title: problem.title ?? "", detail: problem.detail, permission: problem.permission });
        toast(response.status === 404 || response.status === 405 ? i18n.t("invoice.pdfUnavailable") : describeError(error, i18n), "error");
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `${invoice.number ?? invoice.id}.pdf`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button" onClick={download} disabled={busy}>
      {i18n.t("invoice.pdf")}
    </button>
  );
}

function PaymentForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
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

function VoidForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
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

function Payments({ invoice }: { invoice: Invoice }) {
  const { t, date } = useI18n();
  const query = usePayments(invoice.id);
  return (
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">{t("invoice.payments")}</h2>
      <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={t("invoice.noPayments")}>
        {(data) => (
          <table className="table" aria-labelledby="payments-title">
            <thead>
              <tr>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("invoice.paymentType")}</th>
                <th scope="col">{t("invoice.reference")}</th>
                <th scope="col" className="num">
                  {t("common.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((p) => (
                <tr key={p.id}>
                  <td>{date(p.date)}</td>
                  <td>{t(`payment.${p.type}` as never) || p.type}</td>
                  <td>{p.reference ?? "—"}</td>
                  <td className="num">
                    <Money amount={p.amount} currency={p.currency_code} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryResult>
    </section>
  );
}

function CreditNotes({ invoice }: { invoice: Invoice }) {
  const { t, date } = useI18n();
  const query = useCreditNotes(invoice.id, invoice.credit_note_ids.length > 0);
  return (
    <section aria-labelledby="credit-notes-title">
      <h2 id="credit-notes-title">{t("invoice.creditNotes")}</h2>
      {invoice.credit_note_ids.length === 0 ? (
        <Empty>{t("invoice.noCreditNotes")}</Empty>
      ) : (
        <QueryResult query={query}>
          {(data) => (
          <table className="table" aria-labelledby="credit-notes-title">
            <thead>
              <tr>
                <th scope="col">{t("invoices.number")}</th>
                <th scope="col">{t("common.date")}</th>
                <th scope="col" className="num">
                  {t("invoices.total")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((note) => (
                <tr key={note.id}>
                  <td>{note.number ?? t("invoices.draftNumber")}</td>
                  <td>{date(note.date)}</td>
                  <td className="num">
                    <Money amount={note.total_with_tax} currency={note.currency_code} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
        </QueryResult>
      )}
    </section>
  );
}
