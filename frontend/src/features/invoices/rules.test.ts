import { describe, expect, it } from "vitest";
import { canSend, canVoid } from "./rules";

const invoice = (patch: Partial<Parameters<typeof canVoid>[0]> = {}) => ({
  status: "issued",
  total_paid: "0.00",
  total_credited: "0.00",
  credit_note_ids: [] as string[],
  ...patch,
});

describe("canVoid", () => {
  it("offers void on an issued invoice with nothing paid or credited", () => {
    expect(canVoid(invoice())).toBe(true);
  });

  it("does not offer it where the API refuses: a draft, paid or partly paid, credited, already voided", () => {
    expect(canVoid(invoice({ status: "draft" }))).toBe(false);
    expect(canVoid(invoice({ status: "paid", total_paid: "120.78" }))).toBe(false);
    expect(canVoid(invoice({ status: "partially_paid", total_paid: "10.00" }))).toBe(false);
    expect(canVoid(invoice({ total_credited: "10.00", credit_note_ids: ["cre_1"] }))).toBe(false);
    expect(canVoid(invoice({ credit_note_ids: ["cre_1"] }))).toBe(false);
    expect(canVoid(invoice({ status: "credited" }))).toBe(false);
    expect(canVoid(invoice({ status: "voided" }))).toBe(false);
  });
});

describe("canSend", () => {
  it("sends issued documents, not drafts or voided invoices", () => {
    expect(["issued", "paid", "partially_paid", "credited"].map((status) => canSend({ status }))).toEqual([true, true, true, true]);
    expect(canSend({ status: "draft" })).toBe(false);
    expect(canSend({ status: "voided" })).toBe(false);
  });
});
