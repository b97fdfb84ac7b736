/** One credit note: its invoice (a link), customer, dates, lines and totals, its PDF, sending it and the e-mails sent. */
import { useState } from "react";
import type { CreditNote } from "../../api/client";
import { ErrorState } from "../../components/ErrorState";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { StatusBadge } from "../../components/StatusBadge";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { useCreditNote } from "./api";
import { DocumentEmails } from "./DocumentEmails";
import { LinesTable } from "./LinesTable";
import { EInvoiceMenu } from "./EInvoiceMenu";
import { PdfButton } from "./PdfButton";
import { canSend } from "./rules";
import { SendForm } from "./SendForm";
import { TotalsList } from "./TotalsList";

export default function CreditNoteDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const query = useCreditNote(id);
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <section aria-labelledby="credit-note-title">
        <h1 id="credit-note-title">{t("creditNote.notFound")}</h1>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
        <p>
          <Link view="invoices">{t("common.back")}</Link>
        </p>
      </section>
    );
  return <CreditNoteView note={query.data} />;
}

function CreditNoteView({ note }: { note: CreditNote }) {
  const { t, date } = useI18n();
  const [sending, setSending] = useState(false);
  const invoiceNumber = note.invoice_number ?? note.invoice_id;
  return (
    <article aria-labelledby="credit-note-title" className="invoice">
      <p>
        <Link view={`invoice/${note.invoice_id}`}>← {t("creditNote.backToInvoice", { number: invoiceNumber })}</Link>
      </p>
      <div className="page-head">
        <h1 id="credit-note-title">{t("creditNote.title", { number: note.number ?? "" })}</h1>
        <StatusBadge status={note.status} />
      </div>
      <div className="actions-area">
        <div className="toolbar" role="group" aria-label={t("invoice.actions")}>
          {canSend(note) && can("documents:write") && (
            <button type="button" className="button" aria-expanded={sending} onClick={() => setSending((s) => !s)}>
              {t("send.button")}
            </button>
          )}
          {note.status !== "draft" && <PdfButton doc={note} />}
          {note.status !== "draft" && <EInvoiceMenu doc={note} />}
        </div>
        {sending && <SendForm doc={note} onDone={() => setSending(false)} />}
      </div>

      <div className="columns">
        <section aria-labelledby="bill-to">
          <h2 id="bill-to">{t("invoice.billTo")}</h2>
          <address>
            <strong>{note.customer.name}</strong>
            {[note.customer.address, [note.customer.post_code, note.customer.city].filter(Boolean).join(" "), note.customer.email]
              .filter(Boolean)
              .map((line, i) => (
                <span key={i} className="block">
                  {line}
                </span>
              ))}
          </address>
        </section>
        <dl className="facts">
          <dt>{t("creditNote.date")}</dt>
          <dd>{date(note.date)}</dd>
          <dt>{t("creditNote.invoice")}</dt>
          <dd>
            <Link view={`invoice/${note.invoice_id}`}>{invoiceNumber}</Link>
          </dd>
          {note.invoice_date && (
            <>
              <dt>{t("creditNote.invoiceDate")}</dt>
              <dd>{date(note.invoice_date)}</dd>
            </>
          )}
          {note.reason && (
            <>
              <dt>{t("credit.reason")}</dt>
              <dd className="pre">{note.reason}</dd>
            </>
          )}
        </dl>
      </div>

      <section aria-labelledby="lines-title">
        <h2 id="lines-title">{t("invoice.lines")}</h2>
        <LinesTable
          currency={note.currency_code}
          lines={note.items.map((l) => ({ name: l.name, quantity: l.quantity, price: l.price, discount: l.discount, taxes: l.taxes.map((x) => x.rate), total: l.total }))}
        />
      </section>

      <TotalsList
        currency={note.currency_code}
        labelId="totals-title"
        taxes={note.taxes.map((x) => ({ name: x.name, rate: x.rate, base: x.base, amount: x.amount }))}
        total={note.total}
        totalTax={note.total_tax}
        totalWithTax={note.total_with_tax}
      />

      {note.note && (
        <section aria-labelledby="note-title">
          <h2 id="note-title">{t("invoice.note")}</h2>
          <p className="pre">{note.note}</p>
        </section>
      )}

      {note.status !== "draft" && <DocumentEmails documentId={note.id} />}
    </article>
  );
}
