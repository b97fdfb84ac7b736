/** Download the invoice or credit note as PDF (a failure is reported by the error policy). */
import { useI18n } from "../../i18n";
import { type Downloadable, useDownloadPdf } from "./api";

/** `label`: an accessible name that tells this button from others in a list ("Download PDF of CN-2026-00001"). */
export function PdfButton({ doc, label }: { doc: Downloadable; label?: string }) {
  const { t } = useI18n();
  const download = useDownloadPdf();
  return (
    <button type="button" className="button" onClick={() => download.mutate(doc)} disabled={download.isPending} aria-label={label}>
      {t("invoice.pdf")}
    </button>
  );
}
