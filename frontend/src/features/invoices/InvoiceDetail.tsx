/** One invoice: lines, tax breakdown, totals, payments, credit notes, the PDF, and the actions the role allows. */
import { useI18n } from "../../i18n";
import { useInvoice } from "./api";
import { ErrorState } from "../../components/ErrorState";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { InvoiceView } from "./InvoiceView";

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
