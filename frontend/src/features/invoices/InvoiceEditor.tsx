/**
 * Create an invoice or edit a draft. The totals preview is computed while typing with the same rules
 * as the server (src/lib/totals.ts); after saving, the server's figures are the ones shown.
 */
import { type FormEvent, useMemo, useState } from "react";
import type { Invoice, Schemas } from "../../api/client";
import type { Prefill } from "../../embed/host";
import { can, getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { toFixed } from "../../lib/decimal";
import { DEFAULT_TAX_NAME, formatTaxes, knownTaxNames, parseTaxes } from "../../lib/taxes";
import { computeTotals, minorUnit } from "../../lib/totals";
import { navigate, useLocation } from "../../router";
import { useCustomers } from "../customers/api";
import { useEntity } from "../entity/api";
import { useItems } from "../items/api";
import { useCreateInvoice, useFinalize, useInvoice, useUpdateInvoice } from "./api";
import { TotalsList } from "./TotalsList";
import { Empty } from "../../components/Empty";
import { ErrorState } from "../../components/ErrorState";
import { FieldErrors } from "../../components/FieldErrors";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { toast } from "../../components/toast";
import { today } from "../../lib/dates";

interface LineState {
  key: number;
  name: string;
  quantity: string;
  price: string;
  discount: string;
  /** the rates (`19`, `19 + 5`; a rate may carry its own name: `ECO 1`) */
  taxes: string;
  /** the name of the rates that carry none */
  taxName: string;
}

interface DraftState {
  customerId: string;
  customerName: string;
  customerEmail: string;
  date: string;
  dateDue: string;
  currency: string;
  pricesIncludeTax: boolean;
  note: string;
  lines: LineState[];
}

let lineKey = 1;
const blankLine = (taxName: string = DEFAULT_TAX_NAME): LineState => ({ key: lineKey++, name: "", quantity: "1", price: "", discount: "0", taxes: "", taxName });
const normalize = (value: string | number | undefined | null): string => String(value ?? "").trim().replace(",", ".");
const taxFields = (taxes: readonly { name: string; rate: string }[]) => {
  const { name, text } = formatTaxes(taxes);
  return { taxes: text, taxName: name };
};
const lineTaxes = (line: LineState) => parseTaxes(line.taxes, line.taxName);

function fromInvoice(invoice: Invoice): DraftState {
  return {
    customerId: invoice.customer.id ?? "",
    customerName: invoice.customer.id ? "" : invoice.customer.name,
    customerEmail: invoice.customer.id ? "" : (invoice.customer.email ?? ""),
    date: invoice.date,
    dateDue: invoice.date_due ?? "",
    currency: invoice.currency_code,
    pricesIncludeTax: invoice.prices_include_tax,
    note: invoice.note ?? "",
    lines: invoice.items.map((l) => ({
      key: lineKey++,
      name: l.name,
      quantity: l.quantity,
      price: l.price,
      discount: l.discount,
      ...taxFields(l.taxes),
    })),
  };
}

function fromPrefill(prefill: Prefill | undefined, currency: string): DraftState {
  const items = prefill?.items?.length ? prefill.items : [{}];
  return {
    customerId: prefill?.customer_id ?? "",
    customerName: prefill?.customer?.name ?? "",
    customerEmail: prefill?.customer?.email ?? "",
    date: today(),
    dateDue: "",
    currency: prefill?.currency_code ?? currency,
    pricesIncludeTax: false,
    note: prefill?.note ?? "",
    lines: items.map((item) => ({
      ...blankLine(),
      name: item.name ?? "",
      quantity: item.quantity !== undefined ? String(item.quantity) : "1",
      price: item.price !== undefined ? String(item.price) : "",
      discount: item.discount !== undefined ? String(item.discount) : "0",
      ...taxFields((item.taxes ?? []).map((x) => ({ name: x.name || DEFAULT_TAX_NAME, rate: String(x.rate) }))),
    })),
  };
}

export default function InvoiceEditor({ id }: { id?: string }) {
  const { t } = useI18n();
  const { state } = useLocation();
  const entity = useEntity();
  const existing = useInvoice(id ?? "");
  if (!can("documents:write"))
    return (
      <section>
        <h1>{id ? t("editor.editTitle") : t("editor.newTitle")}</h1>
        <ErrorState error={new Error(t("error.forbidden", { role: t(`role.${getSession()?.role ?? getSession()?.user.role ?? "viewer"}` as never), what: t("perm.documents:write") }))} />
      </section>
    );
  if (id) {
    if (existing.isPending) return <Loading />;
    if (existing.isError) return <ErrorState error={existing.error} onRetry={() => existing.refetch()} />;
    if (existing.data.status !== "draft")
      return (
        <section>
          <h1>{t("editor.editTitle")}</h1>
          <Empty>{t("editor.onlyDrafts")}</Empty>
          <Link view={`invoice/${id}`}>{t("common.back")}</Link>
        </section>
      );
    return <Editor key={id} initial={fromInvoice(existing.data)} invoiceId={id} />;
  }
  if (entity.isPending && !getSession()?.entity.currency_code) return <Loading />;
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const prefill = (state as { prefill?: Prefill } | null)?.prefill;
  return <Editor key={JSON.stringify(prefill ?? null)} initial={fromPrefill(prefill, currency)} />;
}

function Editor({ initial, invoiceId }: { initial: DraftState; invoiceId?: string }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<DraftState>(initial);
  const customers = useCustomers("");
  const items = useItems("");
  const create = useCreateInvoice();
  const update = useUpdateInvoice(invoiceId ?? "");
  const finalize = useFinalize();
  const busy = create.isPending || update.isPending || finalize.isPending;
  const error = create.error ?? update.error ?? finalize.error;

  const preview = useMemo(() => {
    const totals = computeTotals(
      draft.lines.map((l) => ({ quantity: normalize(l.quantity), price: normalize(l.price), discount: normalize(l.discount), taxes: lineTaxes(l) })),
      draft.currency,
      draft.pricesIncludeTax,
    );
    const scale = minorUnit(draft.currency);
    return {
      taxes: totals.taxes.map((x) => ({ name: x.name, rate: toFixed(x.rate, Math.max(x.rate.s, 0)), base: toFixed(x.base, scale), amount: toFixed(x.amount, scale) })),
      total: toFixed(totals.total, scale),
      totalTax: toFixed(totals.totalTax, scale),
      totalWithTax: toFixed(totals.totalWithTax, scale),
    };
  }, [draft.lines, draft.currency, draft.pricesIncludeTax]);

  const taxNames = useMemo(
    () => knownTaxNames(...(items.data?.data ?? []).map((item) => item.taxes), ...initial.lines.map(lineTaxes)),
    [items.data, initial.lines],
  );

  const set = <K extends keyof DraftState>(name: K, value: DraftState[K]) => setDraft((d) => ({ ...d, [name]: value }));
  const setLine = (key: number, patch: Partial<LineState>) =>
    setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));

  const body = (): Schemas["InvoiceCreate"] => ({
    ...(draft.customerId ? { customer_id: draft.customerId } : { customer: { name: draft.customerName.trim(), email: draft.customerEmail.trim() || null } }),
    date: draft.date || null,
    date_due: draft.dateDue || null,
    currency_code: draft.currency,
    prices_include_tax: draft.pricesIncludeTax,
    note: draft.note || null,
    items: draft.lines.map((l) => ({
      name: l.name.trim(),
      quantity: normalize(l.quantity) || "0",
      price: normalize(l.price) || "0",
      discount: normalize(l.discount) || "0",
      taxes: lineTaxes(l),
    })),
  });

  const opened = (invoice: Invoice, issued: boolean) => {
    toast(issued ? t("editor.created", { number: invoice.number ?? "" }) : t("editor.draftSaved"));
    navigate(`invoice/${invoice.id}`, {}, { replace: true });
  };

  const save = (issue: boolean) => {
    const payload = body();
    if (!invoiceId) {
      create.mutate({ ...payload, is_draft: !issue }, { onSuccess: (invoice) => opened(invoice, issue) });
      return;
    }
    const { customer, customer_id, date, currency_code, items, date_due, prices_include_tax, note } = payload;
    const changes: Schemas["InvoiceUpdate"] = { items, date_due, prices_include_tax, note, ...(date ? { date } : {}), ...(currency_code ? { currency_code } : {}) };
    update.mutate(customer_id ? { ...changes, customer_id } : { ...changes, customer: customer! }, {
      onSuccess: (invoice) => (issue ? finalize.mutate(invoice.id, { onSuccess: (inv) => opened(inv, true) }) : opened(invoice, false)),
    });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    save(submitter?.value === "issue");
  };

  return (
    <form className="editor" onSubmit={submit} aria-labelledby="editor-title">
      <p>
        <Link view={invoiceId ? `invoice/${invoiceId}` : "invoices"}>← {t("common.back")}</Link>
      </p>
      <h1 id="editor-title">{invoiceId ? t("editor.editTitle") : t("editor.newTitle")}</h1>
      <FieldErrors error={error} />

      <fieldset>
        <legend>{t("editor.customer")}</legend>
        <div className="grid">
          <label>
            {t("editor.existingCustomer")}
            <select value={draft.customerId} onChange={(e) => set("customerId", e.target.value)}>
              <option value="">{t("editor.newCustomer")}</option>
              {customers.data?.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          {!draft.customerId && (
            <>
              <label>
                {t("editor.customerName")}
                <input required value={draft.customerName} onChange={(e) => set("customerName", e.target.value)} autoComplete="off" />
              </label>
              <label>
                {t("editor.customerEmail")}
                <input type="email" value={draft.customerEmail} onChange={(e) => set("customerEmail", e.target.value)} autoComplete="off" />
              </label>
            </>
          )}
        </div>
      </fieldset>

      <div className="grid">
        <label>
          {t("invoice.dateIssued")}
          <input type="date" value={draft.date} onChange={(e) => set("date", e.target.value)} />
        </label>
        <label>
          {t("invoice.dateDue")}
          <input type="date" value={draft.dateDue} onChange={(e) => set("dateDue", e.target.value)} />
        </label>
        <label>
          {t("editor.currency")}
          <input
            value={draft.currency}
            onChange={(e) => set("currency", e.target.value.toUpperCase())}
            pattern="[A-Z]{3}"
            maxLength={3}
            required
            className="short"
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.pricesIncludeTax} onChange={(e) => set("pricesIncludeTax", e.target.checked)} />
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
          {draft.lines.map((line, index) => {
            const n = index + 1;
            return (
              <li key={line.key} className="line">
                <label className="grow">
                  {t("invoice.item")}
                  <input aria-label={t("editor.lineName", { n })} required value={line.name} onChange={(e) => setLine(line.key, { name: e.target.value })} />
                </label>
                <label>
                  {t("invoice.quantity")}
                  <input aria-label={t("editor.lineQuantity", { n })} inputMode="decimal" required value={line.quantity} onChange={(e) => setLine(line.key, { quantity: e.target.value })} className="short" />
                </label>
                <label>
                  {t("common.price")}
                  <input aria-label={t("editor.linePrice", { n })} inputMode="decimal" required value={line.price} onChange={(e) => setLine(line.key, { price: e.target.value })} className="short" />
                </label>
                <label>
                  {t("invoice.discount")}
                  <input aria-label={t("editor.lineDiscount", { n })} inputMode="decimal" value={line.discount} onChange={(e) => setLine(line.key, { discount: e.target.value })} className="short" />
                </label>
                <label>
                  {t("invoice.taxName")}
                  <input
                    aria-label={t("editor.lineTaxName", { n })}
                    list="tax-names"
                    value={line.taxName}
                    onChange={(e) => setLine(line.key, { taxName: e.target.value })}
                    autoComplete="off"
                    className="short"
                  />
                </label>
                <label>
                  {t("invoice.taxRate")}
                  <input aria-label={t("editor.lineTax", { n })} value={line.taxes} onChange={(e) => setLine(line.key, { taxes: e.target.value })} className="short" />
                </label>
                {draft.lines.length > 1 && (
                  <button
                    type="button"
                    className="button subtle"
                    aria-label={t("editor.removeLine", { n })}
                    onClick={() => setDraft((d) => ({ ...d, lines: d.lines.filter((l) => l.key !== line.key) }))}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ol>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => setDraft((d) => ({ ...d, lines: [...d.lines, blankLine(d.lines.at(-1)?.taxName)] }))}>
            {t("editor.addLine")}
          </button>
          {items.data && items.data.data.length > 0 && (
            <label>
              {t("editor.fromCatalogue")}
              <select
                value=""
                onChange={(e) => {
                  const item = items.data.data.find((x) => x.id === e.target.value);
                  if (!item) return;
                  const line = { ...blankLine(), name: item.name, price: item.price, ...taxFields(item.taxes) };
                  setDraft((d) => ({ ...d, lines: [...d.lines.filter((l) => l.name || l.price), line] }));
                }}
              >
                <option value="">{t("editor.pickItem")}</option>
                {items.data.data.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </fieldset>

      <label>
        {t("invoice.note")}
        <textarea value={draft.note} onChange={(e) => set("note", e.target.value)} rows={2} />
      </label>

      <TotalsList currency={draft.currency.length === 3 ? draft.currency : "EUR"} labelId="preview-title" title={t("editor.preview")} {...preview} />

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
