/** Issue an advance invoice: the customer, the lines (the same fields as an invoice's) and whether the
 * prepayment was received with it. The server decides the VAT and numbers it in its own sequence. */
import { type FormEvent, useMemo, useState } from "react";
import { FieldErrors } from "../../components/FieldErrors";
import { Link } from "../../components/Link";
import { toast } from "../../components/toast";
import { getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { totalsText } from "../../lib/totals";
import { navigate } from "../../router";
import { useEntity } from "../entity/api";
import { CustomerFields } from "../invoices/CustomerFields";
import { blankLine, type DraftState, draftBody, fromPrefill, type LineState, previewLine } from "../invoices/draft";
import { LineFields } from "../invoices/LineFields";
import { TotalsList } from "../invoices/TotalsList";
import { useCreateAdvance } from "./api";

export default function AdvanceForm() {
  const i18n = useI18n();
  const { t } = i18n;
  const entity = useEntity();
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const [draft, setDraft] = useState<DraftState>(() => fromPrefill(undefined, currency));
  const [paidNow, setPaidNow] = useState(true);
  const create = useCreateAdvance();
  const change = (patch: Partial<DraftState>) => setDraft((d) => ({ ...d, ...patch }));
  const setLine = (key: number, patch: Partial<LineState>) =>
    setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));
  const preview = useMemo(() => totalsText(draft.lines.map((line) => previewLine(line)), draft.currency, draft.pricesIncludeTax), [draft]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { ...draftBody(draft), paid: paidNow ? { type: "bank_transfer" } : null },
      {
        onSuccess: (advance) => {
          toast(t("advances.created", { number: advance.number ?? "" }));
          navigate(`advance/${advance.id}`, {}, { replace: true });
        },
      },
    );
  };

  return (
    <form className="editor" onSubmit={submit} aria-labelledby="advance-form-title">
      <p>
        <Link view="advances">← {t("common.back")}</Link>
      </p>
      <h1 id="advance-form-title">{t("advances.new")}</h1>
      <FieldErrors error={create.error} />
      <CustomerFields draft={draft} onChange={change} />
      <div className="grid">
        <label>
          {t("invoice.dateIssued")}
          <input type="date" value={draft.date} onChange={(e) => change({ date: e.target.value })} />
        </label>
        <label>
          {t("editor.currency")}
          <input value={draft.currency} onChange={(e) => change({ currency: e.target.value.toUpperCase() })} pattern="[A-Z]{3}" maxLength={3} required className="short" />
        </label>
      </div>
      <fieldset>
        <legend>{t("invoice.lines")}</legend>
        <ol className="lines">
          {draft.lines.map((line, index) => (
            <LineFields
              key={line.key}
              line={line}
              n={index + 1}
              onChange={(patch) => setLine(line.key, patch)}
              onRemove={draft.lines.length > 1 ? () => setDraft((d) => ({ ...d, lines: d.lines.filter((l) => l.key !== line.key) })) : undefined}
            />
          ))}
        </ol>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => setDraft((d) => ({ ...d, lines: [...d.lines, blankLine(d.lines.at(-1)?.taxName)] }))}>
            {t("editor.addLine")}
          </button>
        </div>
      </fieldset>
      <label>
        {t("invoice.note")}
        <textarea value={draft.note} onChange={(e) => change({ note: e.target.value })} rows={2} />
      </label>
      <label className="check">
        <input type="checkbox" checked={paidNow} onChange={(e) => setPaidNow(e.target.checked)} />
        {t("advances.paidNow")}
      </label>
      <TotalsList currency={draft.currency.length === 3 ? draft.currency : "EUR"} labelId="advance-preview-title" title={t("editor.preview")} {...preview} />
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={create.isPending}>
          {t("advances.issue")}
        </button>
      </div>
    </form>
  );
}
