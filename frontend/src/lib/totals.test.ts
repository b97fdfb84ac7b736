import { describe, expect, it } from "vitest";
import { toFixed } from "./decimal";
import { computeTotals, minorUnit, totalsText } from "./totals";

const vat = (rate: string, name = "VAT") => [{ name, rate }];

describe("minorUnit", () => {
  it("is the currency's number of decimals", () => {
    expect(minorUnit("EUR")).toBe(2);
    expect(minorUnit("JPY")).toBe(0);
    expect(minorUnit("KWD")).toBe(3);
    expect(minorUnit("not a currency")).toBe(2);
  });
});

describe("net prices", () => {
  it("rounds each line, then the tax per rate over the summed nets", () => {
    // 3 × 0.333 = 0.999 → 1.00 per line; tax 19 % of 2.00 = 0.38 (not 2 × round(0.19))
    const totals = totalsText(
      [
        { quantity: "3", price: "0.333", taxes: vat("19") },
        { quantity: "3", price: "0.333", taxes: vat("19") },
      ],
      "EUR",
    );
    expect(totals).toEqual({ taxes: [{ name: "VAT", rate: "19", base: "2.00", amount: "0.38" }], total: "2.00", totalTax: "0.38", totalWithTax: "2.38" });
  });

  it("applies the line discount before rounding", () => {
    const totals = computeTotals([{ quantity: "1", price: "99.99", discount: "15", taxes: [] }], "EUR");
    expect(toFixed(totals.lines[0], 2)).toBe("84.99");
    expect(toFixed(totals.totalWithTax, 2)).toBe("84.99");
  });

  it("keeps taxes of the same rate but different names apart, highest rate first", () => {
    const totals = totalsText(
      [
        { quantity: "1", price: "100", taxes: [{ name: "VAT", rate: "19" }, { name: "ECO", rate: "1" }] },
        { quantity: "2", price: "10", taxes: vat("1", "GST") },
      ],
      "EUR",
    );
    expect(totals.taxes).toEqual([
      { name: "VAT", rate: "19", base: "100.00", amount: "19.00" },
      { name: "ECO", rate: "1", base: "100.00", amount: "1.00" },
      { name: "GST", rate: "1", base: "20.00", amount: "0.20" },
    ]);
    expect(totals.totalWithTax).toBe("140.20");
  });

  it("uses the currency's minor unit", () => {
    expect(totalsText([{ quantity: "1", price: "100.5", taxes: vat("10") }], "JPY")).toMatchObject({ total: "101", totalTax: "10", totalWithTax: "111" });
  });

  it("treats what is not a number as zero", () => {
    expect(totalsText([{ quantity: "", price: "abc", taxes: vat("x") }], "EUR")).toEqual({ taxes: [], total: "0.00", totalTax: "0.00", totalWithTax: "0.00" });
  });
});

describe("gross prices (prices include tax)", () => {
  it("takes the net out once per tax set, so the gross total is what was typed", () => {
    const totals = totalsText(
      [
        { quantity: "1", price: "10.00", taxes: vat("19") },
        { quantity: "1", price: "10.00", taxes: vat("19") },
      ],
      "EUR",
      true,
    );
    // 20.00 gross / 1.19 = 16.81 net, tax 3.19
    expect(totals).toEqual({ taxes: [{ name: "VAT", rate: "19", base: "16.81", amount: "3.19" }], total: "16.81", totalTax: "3.19", totalWithTax: "20.00" });
  });

  it("gives the last of several taxes what is left, so the parts add up to the gross", () => {
    const totals = totalsText([{ quantity: "1", price: "120", taxes: [{ name: "VAT", rate: "19" }, { name: "ECO", rate: "1" }] }], "EUR", true);
    expect(totals.total).toBe("100.00");
    expect(totals.taxes.map((t) => t.amount)).toEqual(["19.00", "1.00"]);
    expect(totals.totalWithTax).toBe("120.00");
  });
});
