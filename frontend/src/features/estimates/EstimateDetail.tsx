/** One estimate: customer, dates, lines, totals, the invoice made from it, and the actions its state and the role allow. */
import { type FormEvent, useState } from "react";
import { type Estimate } from "../../api/client";
import { Confirm } from "../../components/Confirm";
import { ErrorState } from "../../components/ErrorState";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { StatusBadge } from "../../components/StatusBadge";
import { toast } from "../../components/toast";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { countryName } from "../../lib/countries";
import { navigate } from "../../router";
import { DocumentEmails } from "../invoices/DocumentEmails";
import { LinesTable } from "../invoices/LinesTable";
import { PdfButton } from "../invoices/PdfButton";
import { SendForm } from "../invoices/SendForm";
import { TaxTreatmentPanel } from "../invoices/TaxTreatmentPanel";
import { TotalsList } from "../invoices/TotalsList";
import { useAnswerEstimate, useConvertEstimate, useDeleteEstimate, useEstimate, useIssueEstimate } from "./api";

export default function EstimateDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const query = useEstimate(id);
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <section aria-labelledby="estimate-title">
        <h1 id="estimate-title">{t("estimate.notFound")}</h1>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
        <p>
          <Link view="estimates">{t("common.back")}</Link>
        </p>
      </section>
    );
  return <EstimateView estimate={query.data} />;
}

function DeclineForm({ estimate, onDone }: { estimate: Estimate; onDone: () => void }) {
  const { t } = useI18n();
  const answer = useAnswerEstimate();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    answer.mutate(
      { id: estimate.id, accept: false, reason },
      {
        onSuccess: () => {
          toast(t("estimate.declined"));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("estimate.decline")}>
      <h2>{t("estimate.decline")}</h2>
      <FieldErrors error={answer.error} />
      <label>
        {t("estimate.declineReason")}
        <input name="reason" maxLength={500} />
      </label>
      <FormButtons label={t("estimate.decline")} disabled={answer.isPending} danger onCancel={onDone} />
    </form>
  );
}

function EstimateActions({ estimate }: { estimate: Estimate }) {
  const { t } = useI18n();
  const [panel, setPanel] = useState<"decline" | "delete" | "send" | null>(null);
  const issue = useIssueEstimate();
  const remove = useDeleteEstimate();
  const answer = useAnswerEstimate();
  const convert = useConvertEstimate(estimate);
  const writer = can("documents:write");
  const toggle = (name: typeof panel) => setPanel((p) => (p === name ? null : name));
  const draft = estimate.status === "draft";
  const convertible = estimate.status === "issued" || estimate.status === "accepted";
  const converted = (isDraft: boolean) =>
    convert.mutate(isDraft, {
      onSuccess: (invoice) => {
        toast(t("estimate.converted"));
        navigate(`invoice/${invoice.id}`);
      },
    });

  return (
    <div className="actions-area">
      <div className="toolbar" role="group" aria-label={t("estimate.actions")}>
        {draft && writer && (
          <>
            <button
              type="button"
              className="button primary"
              disabled={issue.isPending}
              onClick={() => issue.mutate(estimate.id, { onSuccess: (est) => toast(t("estimate.issued", { number: est.number ?? "" })) })}
            >
              {t("invoice.issue")}
            </button>
            <button type="button" className="button" onClick={() => navigate(`estimate/${estimate.id}/edit`)}>
              {t("invoice.editDraft")}
            </button>
            <button type="button" className="button danger" aria-expanded={panel === "delete"} onClick={() => toggle("delete")}>
              {t("invoice.deleteDraft")}
            </button>
          </>
        )}
        {estimate.status === "issued" && writer && (
          <>
            <button
              type="button"
              className="button"
              disabled={answer.isPending}
              onClick={() => answer.mutate({ id: estimate.id, accept: true }, { onSuccess: () => toast(t("estimate.accepted")) })}
            >
              {t("estimate.accept")}
            </button>
            <button type="button" className="button" aria-expanded={panel === "decline"} onClick={() => toggle("decline")}>
              {t("estimate.decline")}
            </button>
          </>
        )}
        {convertible && writer && (
          <>
            <button type="button" className="button primary" disabled={convert.isPending} onClick={() => converted(false)}>
              {t("estimate.convert")}
            </button>
            <button type="button" className="button" disabled={convert.isPending} onClick={() => converted(true)}>
              {t("estimate.convertDraft")}
            </button>
          </>
        )}
        {!draft && writer && (
          <button type="button" className="button" aria-expanded={panel === "send"} onClick={() => toggle("send")}>
            {t("send.button")}
          </button>
        )}
        {!draft && <PdfButton doc={estimate} />}
      </div>
      <FieldErrors error={convert.error ?? answer.error ?? issue.error} />
      {panel === "decline" && <DeclineForm estimate={estimate} onDone={() => setPanel(null)} />}
      {panel === "send" && <SendForm doc={estimate} onDone={() => setPanel(null)} />}
      {panel === "delete" && (
        <Confirm
          className="panel"
          label={t("invoice.deleteDraft")}
          question={t("estimate.confirmDelete")}
          confirm={t("common.delete")}
          busy={remove.isPending}
          onCancel={() => setPanel(null)}
          onConfirm={() =>
            remove.mutate(estimate.id, {
              onSuccess: () => {
                toast(t("estimate.deleted"));
                navigate("estimates", {}, { replace: true });
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

export function EstimateView({ estimate }: { estimate: Estimate }) {
  const { t, date, locale } = useI18n();
  const currency = estimate.currency_code;
  const title = estimate.number ? t("estimate.title", { number: estimate.number }) : t("estimate.draftTitle");
  const customer = estimate.customer;
  return (
    <article aria-labelledby="estimate-title" className="invoice">
      <p>
        <Link view="estimates">← {t("nav.estimates")}</Link>
      </p>
      <div className="page-head">
        <h1 id="estimate-title">{title}</h1>
        <StatusBadge status={estimate.status} />
      </div>
      {estimate.status === "declined" && estimate.decline_reason && <p>{t("estimate.declinedBecause", { reason: estimate.decline_reason })}</p>}
      {estimate.invoice_id && (
        <p>
          <Link view={`invoice/${estimate.invoice_id}`}>{t("estimate.openInvoice")}</Link>
        </p>
      )}

      <EstimateActions estimate={estimate} />

      <div className="columns">
        <section aria-labelledby="bill-to">
          <h2 id="bill-to">{t("invoice.billTo")}</h2>
          <address>
            <strong>{customer.name}</strong>
            {[customer.address, [customer.post_code, customer.city].filter(Boolean).join(" "), countryName(locale, customer.country), customer.email]
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
          <dd>{date(estimate.date)}</dd>
          <dt>{t("estimate.validUntil")}</dt>
          <dd>{date(estimate.valid_until)}</dd>
          {estimate.payment_terms && (
            <>
              <dt>{t("invoice.paymentTerms")}</dt>
              <dd className="pre">{estimate.payment_terms}</dd>
            </>
          )}
        </dl>
      </div>

      <section aria-labelledby="lines-title">
        <h2 id="lines-title">{t("invoice.lines")}</h2>
        <LinesTable
          currency={currency}
          lines={estimate.items.map((l) => ({
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
        taxes={estimate.taxes.map((x) => ({ name: x.name, rate: x.rate, base: x.base, amount: x.amount }))}
        total={estimate.total}
        totalTax={estimate.total_tax}
        totalWithTax={estimate.total_with_tax}
        extra={[]}
      />

      {estimate.tax_treatment && <TaxTreatmentPanel labelId="treatment-title" treatment={estimate.tax_treatment} />}

      {estimate.note && (
        <section aria-labelledby="note-title">
          <h2 id="note-title">{t("invoice.note")}</h2>
          <p className="pre">{estimate.note}</p>
        </section>
      )}

      {estimate.status !== "draft" && <DocumentEmails documentId={estimate.id} />}
    </article>
  );
}

/** On an invoice made from an estimate: a link to it, by its number. */
export function FromEstimate({ id }: { id: string }) {
  const { t } = useI18n();
  const estimate = useEstimate(id);
  return (
    <p>
      <Link view={`estimate/${id}`}>{t("estimate.fromEstimate", { number: estimate.data?.number ?? id })}</Link>
    </p>
  );
}
