/**
 * A draft invoice (or estimate) as the editor holds it while typing (every figure a string, as typed), how it
 * starts (from an invoice or estimate, or from the host's prefill) and the API body it becomes.
 */
import type { Estimate, Invoice, Schemas } from "../../api/client";
import type { Prefill } from "../../embed/host";
import { today } from "../../lib/dates";
import { apiTaxes, DEFAULT_TAX_NAME, formatTaxes, type NamedTax, parseTaxes } from "../../lib/taxes";
import type { DraftLine } from "../../lib/totals";
import { isLineKind, isTaxClass, type LineKind, type PreviewLine, type TaxClass } from "./tax";

export interface LineState {
  key: number;
  name: string;
  quantity: string;
  price: string;
  discount: string;
  /** the rates (`19`, `19 + 5`; a rate may carry its own name: `ECO 1`) */
  taxes: string;
  /** the name of the rates that carry none */
  taxName: string;
  /** what the line sells and its rate class, for the server's VAT decision (used when `taxes` is empty) */
  kind: LineKind;
  taxClass: TaxClass;
}

export interface DraftState {
  /** an existing customer (its name in `customerLabel`), or none: a new one from `customerName`/`customerEmail` */
  customerId: string;
  customerLabel: string;
  customerName: string;
  customerEmail: string;
  /** a new customer's country, VAT number and whether it is a business (null: the server's default) */
  customerCountry: string;
  customerTaxNumber: string;
  customerIsBusiness: boolean | null;
  date: string;
  /** the date of supply (or the service's last day); empty: the issue date */
  dateService: string;
  /** the service period, both or neither (printed instead of the date of supply) */
  periodStart: string;
  periodEnd: string;
  dateDue: string;
  /** an estimate's last valid day (empty: the server's default, its date + 30 days); not on invoices */
  validUntil: string;
  /** empty on a new invoice: the entity's `settings.payment_terms_text` */
  paymentTerms: string;
  currency: string;
  pricesIncludeTax: boolean;
  note: string;
  lines: LineState[];
  /** the customer's advance invoices to deduct (`advance_invoice_ids`) */
  advanceIds: string[];
}

let lineKey = 1;
export const blankLine = (taxName: string = DEFAULT_TAX_NAME): LineState => ({
  key: lineKey++,
  name: "",
  quantity: "1",
  price: "",
  discount: "0",
  taxes: "",
  taxName,
  kind: "services",
  taxClass: "standard",
});
export const normalize = (value: string | number | undefined | null): string => String(value ?? "").trim().replace(",", ".");
export const taxFields = (taxes: readonly NamedTax[]) => {
  const { name, text } = formatTaxes(taxes);
  return { taxes: text, taxName: name };
};
export const lineTaxes = (line: LineState): NamedTax[] => parseTaxes(line.taxes, line.taxName);

/** A line as the totals preview reads it: its own taxes, or (none typed) those the server decided for it. */
export const previewLine = (line: LineState, decided?: PreviewLine): DraftLine => {
  const own = lineTaxes(line);
  return {
    quantity: normalize(line.quantity),
    price: normalize(line.price),
    discount: normalize(line.discount),
    taxes: own.length || !decided ? own : decided.taxes.map((x) => ({ name: x.name, rate: x.rate })),
  };
};

export function fromInvoice(invoice: Invoice | Estimate): DraftState {
  const existing = !!invoice.customer.id;
  return {
    customerId: invoice.customer.id ?? "",
    customerLabel: existing ? invoice.customer.name : "",
    customerName: existing ? "" : invoice.customer.name,
    customerEmail: existing ? "" : (invoice.customer.email ?? ""),
    customerCountry: existing ? "" : (invoice.customer.country ?? ""),
    customerTaxNumber: existing ? "" : (invoice.customer.tax_number ?? ""),
    customerIsBusiness: existing ? null : (invoice.customer.is_business ?? null),
    date: invoice.date,
    dateService: invoice.date_service ?? "",
    periodStart: invoice.period_start ?? "",
    periodEnd: invoice.period_end ?? "",
    dateDue: invoice.date_due ?? "",
    validUntil: ("valid_until" in invoice ? invoice.valid_until : null) ?? "",
    paymentTerms: invoice.payment_terms ?? "",
    currency: invoice.currency_code,
    pricesIncludeTax: invoice.prices_include_tax,
    note: invoice.note ?? "",
    advanceIds: ("advances" in invoice ? (invoice.advances ?? []) : []).map((a) => a.advance_invoice_id),
    lines: invoice.items.map((l) => ({
      key: lineKey++,
      name: l.name,
      quantity: l.quantity,
      price: l.price,
      discount: l.discount,
      ...taxFields(l.taxes_decided ? [] : l.taxes),
      kind: isLineKind(l.kind) ? l.kind : "services",
      taxClass: isTaxClass(l.tax_class) ? l.tax_class : "standard",
    })),
  };
}

export function fromPrefill(prefill: Prefill | undefined, currency: string): DraftState {
  const items = prefill?.items?.length ? prefill.items : [{}];
  return {
    customerId: prefill?.customer_id ?? "",
    customerLabel: "",
    customerName: prefill?.customer?.name ?? "",
    customerEmail: prefill?.customer?.email ?? "",
    customerCountry: "",
    customerTaxNumber: "",
    customerIsBusiness: null,
    date: today(),
    dateService: "",
    periodStart: "",
    periodEnd: "",
    dateDue: "",
    validUntil: "",
    paymentTerms: "",
    currency: prefill?.currency_code ?? currency,
    pricesIncludeTax: false,
    note: prefill?.note ?? "",
    advanceIds: [],
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

/** The body of `POST /v1/invoices` for `draft`. */
export function draftBody(draft: DraftState): Schemas["InvoiceCreate"] {
  return {
    ...(draft.customerId
      ? { customer_id: draft.customerId }
      : {
          customer: {
            name: draft.customerName.trim(),
            email: draft.customerEmail.trim() || null,
            country: draft.customerCountry.trim().toUpperCase() || null,
            tax_number: draft.customerTaxNumber.trim() || null,
            ...(draft.customerIsBusiness !== null ? { is_business: draft.customerIsBusiness } : {}),
          },
        }),
    date: draft.date || null,
    date_service: draft.dateService || null,
    period_start: draft.periodStart || null,
    period_end: draft.periodEnd || null,
    date_due: draft.dateDue || null,
    payment_terms: draft.paymentTerms.trim() || null,
    currency_code: draft.currency,
    prices_include_tax: draft.pricesIncludeTax,
    note: draft.note || null,
    ...(draft.advanceIds.length ? { advance_invoice_ids: draft.advanceIds } : {}),
    items: draft.lines.map((l) => {
      const taxes = lineTaxes(l);
      return {
        name: l.name.trim(),
        quantity: normalize(l.quantity) || "0",
        price: normalize(l.price) || "0",
        discount: normalize(l.discount) || "0",
        // no rate typed: the server decides it from the treatment, the line's kind and its rate class
        ...(taxes.length ? { taxes: apiTaxes(taxes) } : {}),
        kind: l.kind,
        tax_class: l.taxClass,
      };
    }),
  };
}

/** The body of `PATCH /v1/invoices/{id}` for `draft`. */
export function draftChanges(draft: DraftState): Schemas["InvoiceUpdate"] {
  const { customer, customer_id, date, date_service, period_start, period_end, payment_terms, currency_code, items, date_due, prices_include_tax, note } =
    draftBody(draft);
  const changes: Schemas["InvoiceUpdate"] = {
    items,
    date_service,
    period_start,
    period_end,
    payment_terms,
    date_due,
    prices_include_tax,
    note,
    advance_invoice_ids: draft.advanceIds,
    ...(date ? { date } : {}),
    ...(currency_code ? { currency_code } : {}),
  };
  return customer_id ? { ...changes, customer_id } : { ...changes, customer: customer! };
}
