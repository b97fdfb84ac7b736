/** The e-invoice downloads of an issued invoice or credit note: every format, those the document cannot be
 * produced in disabled with what it lacks (field and EN 16931 business term), the customer's required one marked. */
import { useState } from "react";
import { useI18n } from "../../i18n";
import { EINVOICE_FORMATS } from "../customers/CustomerForm";
import { type Downloadable, useDownloadEInvoice, useEInvoiceFormats } from "./api";

export function EInvoiceMenu({ doc }: { doc: Downloadable }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const formats = useEInvoiceFormats(doc, open);
  const download = useDownloadEInvoice();
  return (
    <div className="einvoice-menu">
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t("einvoice.download")}
      </button>
      {open && (
        <ul className="panel" aria-label={t("einvoice.download")}>
          {formats.isPending && <li>{t("einvoice.loading")}</li>}
          {formats.data?.map((f) => {
            const known = EINVOICE_FORMATS.find((k) => k === f.format);
            const name = known ? t(`einvoice.format.${known}`) : f.format;
            const reasonId = `einvoice-${doc.id}-${f.format}-missing`;
            return (
              <li key={f.format}>
                <button
                  type="button"
                  className="button"
                  disabled={!f.available || download.isPending}
                  aria-describedby={f.available ? undefined : reasonId}
                  onClick={() => download.mutate({ doc, format: f.format })}
                >
                  {name}
                </button>
                {f.required && <span className="badge"> {t("einvoice.required")}</span>}
                {!f.available && (
                  <p id={reasonId} className="hint">
                    {t("einvoice.missing")}{" "}
                    {f.missing.map((m) => `${m.field} (${m.business_term}): ${m.message}`).join("; ")}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
