/** Download the invoice as PDF (a failure is reported by the error policy). */
import type { Invoice } from "../../api/client";
import { useI18n } from "../../i18n";
import { useDownloadPdf } from "./api";

export function PdfButton({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const download = useDownloadPdf();
  return (
    <button type="button" className="button" onClick={() => download.mutate(invoice)} disabled={download.isPending}>
      {t("invoice.pdf")}
    </button>
  );
}
