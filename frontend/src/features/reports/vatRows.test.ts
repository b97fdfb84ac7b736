import { describe, expect, it } from "vitest";
import type { VatRow } from "./api";
import { byTreatment, ordered } from "./vatRows";

const row = (tax_treatment: string | null, category: string | null, rate: string, buyer_country: string | null = null): VatRow => ({
  currency_code: "EUR",
  tax_treatment,
  category,
  rate,
  buyer_country,
  net: "100.00",
  tax: "0.00",
  documents: 1,
});

describe("VAT report rows", () => {
  it("run domestic first, then reverse charge, then OSS by buyer country; rates highest first; unknown treatments last", () => {
    const rows = [
      row("oss", "S", "20", "FR"),
      row(null, null, "0"),
      row("domestic", "S", "9.5"),
      row("reverse_charge", "AE", "0"),
      row("oss", "S", "19", "DE"),
      row("domestic", "S", "22"),
    ];
    expect(ordered(rows).map((r) => [r.tax_treatment, r.rate, r.buyer_country])).toEqual([
      ["domestic", "22", null],
      ["domestic", "9.5", null],
      ["reverse_charge", "0", null],
      ["oss", "19", "DE"],
      ["oss", "20", "FR"],
      [null, "0", null],
    ]);
    expect(byTreatment(ordered(rows)).map(([treatment, group]) => [treatment, group.length])).toEqual([
      ["domestic", 2],
      ["reverse_charge", 1],
      ["oss", 2],
      [null, 1],
    ]);
  });
});
