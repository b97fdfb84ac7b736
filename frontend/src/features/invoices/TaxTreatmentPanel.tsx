/** A document's VAT treatment (or the editor's preview of it): what it is, why, the legal note, and the VIES evidence. */
import type { ReactNode } from "react";
import { type MessageKey, useI18n } from "../../i18n";
import type { TaxTreatment } from "./tax";

export function TaxTreatmentPanel({ treatment, labelId, status }: { treatment?: TaxTreatment; labelId: string; status?: ReactNode }) {
  const { t, dateTime } = useI18n();
  const vies = treatment?.vies;
  return (
    <section aria-labelledby={labelId} className="treatment">
      <h2 id={labelId}>{t("tax.treatment")}</h2>
      {status && (
        <p role="status" className="hint">
          {status}
        </p>
      )}
      {treatment && (
        <dl className="facts">
          <dt>{t("tax.treatment")}</dt>
          <dd data-testid="treatment-code" data-code={treatment.code}>
            {t(`tax.code.${treatment.code}` as MessageKey)}
          </dd>
          <dt>{t("tax.reason")}</dt>
          <dd data-testid="treatment-reason">{treatment.reason}</dd>
          <dt>{t("tax.legalNote")}</dt>
          <dd data-testid="treatment-legal-note">{treatment.legal_note || <span className="muted">{t("tax.noLegalNote")}</span>}</dd>
          {vies && (
            <>
              <dt>{t("tax.status")}</dt>
              <dd data-testid="vies-status">{t(`tax.viesStatus.${vies.status}` as MessageKey)}</dd>
              <dt>{t("tax.viesCheckedAt")}</dt>
              <dd>{dateTime(vies.checked_at)}</dd>
              {vies.request_identifier && (
                <>
                  <dt>{t("tax.viesRequest")}</dt>
                  <dd>{vies.request_identifier}</dd>
                </>
              )}
              {vies.name && (
                <>
                  <dt>{t("tax.viesTrader")}</dt>
                  <dd>{vies.name}</dd>
                </>
              )}
            </>
          )}
        </dl>
      )}
    </section>
  );
}
