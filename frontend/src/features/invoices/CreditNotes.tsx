/** The credit notes issued against an invoice: each a link to its own page, with its PDF. */
import { type Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { useCreditNotes } from "./api";
import { Empty } from "../../components/Empty";
import { Link } from "../../components/Link";
import { PdfButton } from "./PdfButton";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";

export function CreditNotes({ invoice }: { invoice: Invoice }) {
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
                <th scope="col">
                  <span className="sr-only">{t("invoice.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((note) => (
                <tr key={note.id}>
                  <td className="nowrap">
                    <Link view={`credit-note/${note.id}`}>{note.number ?? t("invoices.draftNumber")}</Link>
                  </td>
                  <td className="nowrap">{date(note.date)}</td>
                  <td className="num">
                    <Money amount={note.total_with_tax} currency={note.currency_code} />
                  </td>
                  <td>{note.status !== "draft" && <PdfButton doc={note} label={t("invoice.pdfOf", { number: note.number ?? "" })} />}</td>
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
