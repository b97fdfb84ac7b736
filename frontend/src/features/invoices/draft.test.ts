import { describe, expect, it } from "vitest";
import type { Invoice } from "../../api/client";
import { blankLine, type DraftState, draftBody, draftChanges, fromInvoice, fromPrefill, previewLine } from "./draft";

const draft = (patch: Partial<DraftState> = {}): DraftState => ({ ...fromPrefill(undefined, "EUR"), ...patch });

describe("draftBody", () => {
  it("leaves out the taxes of a line with none typed, so the server decides them from its kind and rate class", () => {
    const line = { ...blankLine(), name: "E-book", price: "10", kind: "digital" as const, taxClass: "reduced" as const };
    const [item] = draftBody(draft({ customerName: "Camille", lines: [line] })).items;
    expect(item).not.toHaveProperty("taxes");
    expect(item).toMatchObject({ kind: "digital", tax_class: "reduced" });
  });

  it("keeps typed taxes as the line's own, unnamed so the seller's own tax name is used", () => {
    const line = { ...blankLine(), name: "Consulting", price: "10", taxes: "22" };
    const [item] = draftBody(draft({ customerName: "Camille", lines: [line] })).items;
    expect(item.taxes).toEqual([{ rate: "22" }]);
    expect(item).toMatchObject({ kind: "services", tax_class: "standard" });
  });

  it("sends a new customer's country and VAT number, and is_business only when chosen", () => {
    const base = { customerName: "Muster GmbH", customerCountry: "de", customerTaxNumber: " DE811569869 " };
    expect(draftBody(draft(base)).customer).toEqual({ name: "Muster GmbH", email: null, country: "DE", tax_number: "DE811569869" });
    expect(draftBody(draft({ ...base, customerIsBusiness: false })).customer).toMatchObject({ is_business: false });
  });
});

describe("the date of supply", () => {
  it("is sent as typed, and left to the server (the issue date) when empty", () => {
    expect(draftBody(draft({ customerName: "Camille", dateService: "2026-11-30" })).date_service).toBe("2026-11-30");
    expect(draftBody(draft({ customerName: "Camille" })).date_service).toBeNull();
  });

  it("is kept when a draft is reopened and saved again", () => {
    const invoice = {
      customer: { name: "Kupec", country: "SI" }, date: "2026-12-03", date_service: "2026-11-30", currency_code: "EUR",
      prices_include_tax: false, items: [],
    } as unknown as Invoice;
    const state = fromInvoice(invoice);
    expect(state.dateService).toBe("2026-11-30");
    expect(draftChanges(state).date_service).toBe("2026-11-30");
  });
});

describe("previewLine", () => {
  const decided = { taxes: [{ name: "VAT", rate: "20", category: "S" }], total: "10.00" };

  it("takes the server's decided rates for a line with none typed", () => {
    expect(previewLine({ ...blankLine(), price: "10" }, decided).taxes).toEqual([{ name: "VAT", rate: "20" }]);
  });

  it("keeps typed rates over the decided ones", () => {
    expect(previewLine({ ...blankLine(), price: "10", taxes: "22" }, decided).taxes).toEqual([{ name: "", rate: "22" }]);
  });
});

describe("fromInvoice", () => {
  const line = (taxesDecided: boolean) => ({
    name: "Consulting", quantity: "1", price: "100.00", discount: "0", kind: "services", tax_class: "standard",
    taxes: [{ name: "VAT", rate: "22", category: "S" }], taxes_decided: taxesDecided,
  });
  const invoice = (items: ReturnType<typeof line>[]) =>
    ({
      customer: { name: "Kupec", country: "SI" }, date: "2026-12-03", currency_code: "EUR",
      prices_include_tax: false, items,
    }) as unknown as Invoice;

  it("leaves the rates Folio decided out of a reopened draft, so they are decided again when it changes", () => {
    const [decided, named] = fromInvoice(invoice([line(true), line(false)])).lines;
    expect(decided.taxes).toBe("");
    expect(named.taxes).toBe("22");
    const [sentDecided, sentNamed] = draftBody(fromInvoice(invoice([line(true), line(false)]))).items;
    expect(sentDecided).not.toHaveProperty("taxes");
    expect(sentNamed.taxes).toEqual([{ name: "VAT", rate: "22" }]);
  });
});
