/**
 * The draft form of an invoice or an estimate (`saver`): customer, dates, currency, lines, note, and the totals preview computed while typing with
 * the same rules as the server (src/lib/totals.ts); after saving, the server's figures are the ones shown.
 * The VAT treatment and the rates of lines without typed taxes come from the server's preview
 * (`POST /v1/invoices/preview`), never from a copy of the rules here.
 */
import { type FormEvent, useMemo, useState } from "react";
import { FieldErrors } from "../../components/FieldErrors";
import { Link } from "../../components/Link";
import { toast } from "../../components/toast";
import { useI18n } from "../../i18n";
import { knownTaxNames } from "../../lib/taxes";
import { totalsText } from "../../lib/totals";
import { navigate } from "../../router";
import { useItems } from "../items/api";
import { ApiError } from "../../api/client";
import { describeError } from "../../api/errors";
import { useInvoicePreview } from "./api";
import { CataloguePicker } from "./CataloguePicker";
import { CustomerFields } from "./CustomerFields";
import { blankLine, type DraftState, draftBody, lineTaxes, type LineState, previewLine, taxFields } from "./draft";
import { LineFields } from "./LineFields";
import { TaxTreatmentPanel } from "./TaxTreatmentPanel";
import { TotalsList } from "./TotalsList";
import { AdvancePicker } from "../advances/AdvancePicker";

/** A saved document as the editor needs it: where to open it. */
export interface Saved {
  id: string;
  number?: string | null;
}

/**
 * How the editor saves what it holds, for one kind of document (`useInvoiceSaver`, `useEstimateSaver`): create it
 * (a draft or issued), or change the draft `id` and then issue it when asked.
 */
export interface DraftSaver {
  /** `invoice` asks for a due date; `estimate` for the date it is valid until */
  kind: "invoice" | "estimate";
  /** the view of one document of this kind (`invoice/inv_…`), and of the list */
  view: (id: string) => string;
  listView: string;
  busy: boolean;
  error: unknown;
  save: (draft: DraftState, issue: boolean, onSaved: (doc: Saved, issued: boolean) => void) => void;
}

export function DraftEditor({ initial, invoiceId, saver }: { initial: DraftState; invoiceId?: string; saver: DraftSaver }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<DraftState>(initial);
  // the catalogue's first page: whether to offer it, and the tax names it uses
  const items = useItems("");
  const { busy, error } = saver;
  const estimate = saver.kind === "estimate";

  const body = useMemo(() => draftBody(draft), [draft]);
  const decision = useInvoicePreview(body);
  // the server's answer for the lines as they are now (a line added since has none yet)
  const decided = decision.data && decision.data.items.length === draft.lines.length ? decision.data.items : undefined;
  const preview = useMemo(
    () => totalsText(draft.lines.map((line, i) => previewLine(line, decided?.[i])), draft.currency, draft.pricesIncludeTax),
    [draft.lines, draft.currency, draft.pricesIncludeTax, decided],
  );
  const decisionStatus = decision.isError
    ? t("tax.previewIncomplete", {
        // what is still missing, as the server names it ("customer.name: must not be empty"), without the
        // "Please check the input" a refused save says
        detail:
          (decision.error instanceof ApiError && decision.error.status === 422 && decision.error.problem.detail) ||
          describeError(decision.error, i18n),
      })
    : decision.isFetching
      ? t("tax.previewPending")
      : undefined;
  const taxNames = useMemo(
    () => knownTaxNames(...(items.data?.data ?? []).map((item) => item.taxes), ...initial.lines.map(lineTaxes)),
    [items.data, initial.lines],
  );

  const change = (patch: Partial<DraftState>) => setDraft((d) => ({ ...d, ...patch }));
  const setLine = (key: number, patch: Partial<LineState>) =>
    setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));

  const opened = (doc: Saved, issued: boolean) => {
    const number = { number: doc.number ?? "" };
    toast(issued ? (estimate ? t("estimate.created", number) : t("editor.created", number)) : t("editor.draftSaved"));
    navigate(saver.view(doc.id), {}, { replace: true });
  };

  const save = (issue: boolean) => saver.save(draft, issue, opened);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    save(submitter?.value === "issue");
  };

  return (
    <form className="editor" onSubmit={submit} aria-labelledby="editor-title">
      <p>
        <Link view={invoiceId ? saver.view(invoiceId) : saver.listView}>← {t("common.back")}</Link>
      </p>
      <h1 id="editor-title">
        {estimate ? (invoiceId ? t("estimate.editTitle") : t("estimate.newTitle")) : invoiceId ? t("editor.editTitle") : t("editor.newTitle")}
      </h1>
      <FieldErrors error={error} />

      <CustomerFields draft={draft} onChange={change} />

      <div className="grid">
        <label>
          {t("invoice.dateIssued")}
          <input type="date" value={draft.date} onChange={(e) => change({ date: e.target.value })} />
        </label>
        <label>
          {t("invoice.dateService")}
          <input
            type="date"
            name="date_service"
            value={draft.dateService}
            onChange={(e) => change({ dateService: e.target.value })}
            aria-describedby="date-service-hint"
          />
          <span id="date-service-hint" className="hint">
            {t("editor.dateServiceHint")}
          </span>
        </label>
        <label>
          {t("invoice.periodStart")}
          <input type="date" name="period_start" value={draft.periodStart} onChange={(e) => change({ periodStart: e.target.value })} />
        </label>
        <label>
          {t("invoice.periodEnd")}
          <input type="date" name="period_end" value={draft.periodEnd} onChange={(e) => change({ periodEnd: e.target.value })} />
        </label>
        {estimate ? (
          <label>
            {t("estimate.validUntil")}
            <input type="date" name="valid_until" value={draft.validUntil} onChange={(e) => change({ validUntil: e.target.value })} />
          </label>
        ) : (
          <label>
            {t("invoice.dateDue")}
            <input type="date" value={draft.dateDue} onChange={(e) => change({ dateDue: e.target.value })} />
          </label>
        )}
        <label>
          {t("editor.currency")}
          <input
            value={draft.currency}
            onChange={(e) => change({ currency: e.target.value.toUpperCase() })}
            pattern="[A-Z]{3}"
            maxLength={3}
            required
            className="short"
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.pricesIncludeTax} onChange={(e) => change({ pricesIncludeTax: e.target.checked })} />
          {t("editor.pricesIncludeTax")}
        </label>
      </div>

      <fieldset>
        <legend>{t("invoice.lines")}</legend>
        <datalist id="tax-names">
          {taxNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <ol className="lines">
          {draft.lines.map((line, index) => (
            <LineFields
              key={line.key}
              line={line}
              n={index + 1}
              decided={decided?.[index]}
              onChange={(patch) => setLine(line.key, patch)}
              onRemove={
                draft.lines.length > 1 ? () => setDraft((d) => ({ ...d, lines: d.lines.filter((l) => l.key !== line.key) })) : undefined
              }
            />
          ))}
        </ol>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => setDraft((d) => ({ ...d, lines: [...d.lines, blankLine(d.lines.at(-1)?.taxName)] }))}>
            {t("editor.addLine")}
          </button>
          {items.data && items.data.data.length > 0 && (
            <CataloguePicker
              onPick={(item) => {
                const line = { ...blankLine(), name: item.name, price: item.price, kind: item.kind, taxClass: item.tax_class, ...taxFields(item.taxes) };
                setDraft((d) => ({ ...d, lines: [...d.lines.filter((l) => l.name || l.price), line] }));
              }}
            />
          )}
        </div>
      </fieldset>

      <label>
        {t("invoice.paymentTerms")}
        <input
          name="payment_terms"
          value={draft.paymentTerms}
          onChange={(e) => change({ paymentTerms: e.target.value })}
          maxLength={1000}
          placeholder={t("editor.paymentTermsPlaceholder")}
        />
      </label>

      <label>
        {t("invoice.note")}
        <textarea value={draft.note} onChange={(e) => change({ note: e.target.value })} rows={2} />
      </label>

      <TaxTreatmentPanel labelId="treatment-title" treatment={decision.isError ? undefined : decision.data?.tax_treatment} status={decisionStatus} />

      <AdvancePicker customerId={draft.customerId} chosen={draft.advanceIds} onChange={(advanceIds) => change({ advanceIds })} />

      <TotalsList
        currency={draft.currency.length === 3 ? draft.currency : "EUR"}
        labelId="preview-title"
        title={t("editor.preview")}
        {...preview}
        extra={
          draft.advanceIds.length && decision.data && !decision.isError
            ? [{ label: t("advances.dueAfter"), amount: decision.data.total_with_tax, testId: "due-after-advances" }]
            : []
        }
      />

      <div className="toolbar">
        <button type="submit" name="action" value="draft" className="button" disabled={busy}>
          {t("editor.saveDraft")}
        </button>
        <button type="submit" name="action" value="issue" className="button primary" disabled={busy}>
          {t("editor.saveAndIssue")}
        </button>
      </div>
    </form>
  );
}
