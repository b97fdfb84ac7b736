/** An invoice as the API has it: bill-to, dates, lines, tax breakdown and totals, note, payments and credit notes. */
import { type Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { countryName } from "../../lib/countries";
import { LinesTable } from "./LinesTable";
import { TotalsList } from "./TotalsList";
import { Link } from "../../components/Link";
import { StatusBadge } from "../../components/StatusBadge";
import { Money } from "../../components/Money";
import { InvoiceActions } from "./InvoiceActions";
import { CreditNotes } from "./CreditNotes";
import { InvoiceReminders } from "../reminders/InvoiceReminders";
import { DocumentEmails } from "./DocumentEmails";
import { Payments } from "./Payments";
import { TaxTreatmentPanel } from "./TaxTreatmentPanel";
import { FromEstimate } from "../estimates/EstimateDetail";

export function InvoiceView({ invoice }: { invoice: Invoice }) {
  const { t, date, locale } = useI18n();
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
      {invoice.estimate_id && <FromEstimate id={invoice.estimate_id} />}
      {invoice.status === "voided" && invoice.void_reason && <p>{t("invoice.voidedBecause", { reason: invoice.void_reason })}</p>}

      <InvoiceActions invoice={invoice} />

      <div className="columns">
        <section aria-labelledby="bill-to">
          <h2 id="bill-to">{t("invoice.billTo")}</h2>
          <address>
            <strong>{invoice.customer.name}</strong>
            {[invoice.customer.address, [invoice.customer.post_code, invoice.customer.city].filter(Boolean).join(" "), countryName(locale, invoice.customer.country), invoice.customer.email]
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
          {invoice.period_start && invoice.period_end ? (
            <>
              <dt>{t("invoice.servicePeriod")}</dt>
              <dd>
                {date(invoice.period_start)} – {date(invoice.period_end)}
              </dd>
            </>
          ) : (
            <>
              <dt>{t("invoice.dateService")}</dt>
              <dd>{date(invoice.date_service ?? invoice.date)}</dd>
            </>
          )}
          <dt>{t("invoice.dateDue")}</dt>
          <dd>{date(invoice.date_due)}</dd>
          {invoice.payment_terms && (
            <>
              <dt>{t("invoice.paymentTerms")}</dt>
              <dd className="pre">{invoice.payment_terms}</dd>
            </>
          )}
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

      {invoice.advances && invoice.advances.length > 0 && (
        <section aria-labelledby="deducted-advances-title">
          <h2 id="deducted-advances-title">{t("advances.deducted")}</h2>
          <table aria-labelledby="deducted-advances-title">
            <tbody>
              {invoice.advances.map((a) => (
                <tr key={a.advance_invoice_id}>
                  <td>
                    <Link view={`advance/${a.advance_invoice_id}`}>{a.number}</Link>
                  </td>
                  <td>{a.taxes.map((x) => `${x.name} ${x.rate} %: ${x.base} + ${x.amount}`).join("; ")}</td>
                  <td className="num">
                    −<Money amount={a.total_with_tax} currency={currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

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

      {invoice.tax_treatment && <TaxTreatmentPanel labelId="treatment-title" treatment={invoice.tax_treatment} />}

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
          <DocumentEmails documentId={invoice.id} />
          <InvoiceReminders invoiceId={invoice.id} />
        </>
      )}
    </article>
  );
}
