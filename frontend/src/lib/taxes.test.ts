import { describe, expect, it } from "vitest";
import { apiTaxes, DEFAULT_TAX_NAME, formatTaxes, knownTaxNames, parseTaxes } from "./taxes";

describe("parseTaxes", () => {
  it("gives a bare rate the line's tax name", () => {
    expect(parseTaxes("19", "MwSt")).toEqual([{ name: "MwSt", rate: "19" }]);
    expect(parseTaxes("19")).toEqual([{ name: DEFAULT_TAX_NAME, rate: "19" }]);
  });

  it("reads several rates, each optionally named, separated by + or ;", () => {
    expect(parseTaxes("VAT 19 + ECO 1")).toEqual([
      { name: "VAT", rate: "19" },
      { name: "ECO", rate: "1" },
    ]);
    expect(parseTaxes("9,5; 1 %", "DDV")).toEqual([
      { name: "DDV", rate: "9.5" },
      { name: "DDV", rate: "1" },
    ]);
    expect(parseTaxes("20 5", "VAT")).toEqual([
      { name: "VAT", rate: "20" },
      { name: "VAT", rate: "5" },
    ]);
  });

  it("passes on what is no rate for the server to refuse, and ignores empty text", () => {
    expect(parseTaxes("lots")).toEqual([{ name: "", rate: "lots" }]);
    expect(parseTaxes("  ")).toEqual([]);
  });

  it("falls back to the API's default name when the line's is blank", () => {
    expect(parseTaxes("5", "  ")).toEqual([{ name: DEFAULT_TAX_NAME, rate: "5" }]);
  });
});

describe("formatTaxes", () => {
  it("shows one shared name and the rates", () => {
    expect(formatTaxes([{ name: "GST", rate: "5" }])).toEqual({ name: "GST", text: "5" });
    expect(formatTaxes([])).toEqual({ name: DEFAULT_TAX_NAME, text: "" });
  });

  it("writes each name into the text when they differ, and reads back the same", () => {
    const taxes = [
      { name: "VAT", rate: "19" },
      { name: "ECO", rate: "1" },
    ];
    const { name, text } = formatTaxes(taxes);
    expect(text).toBe("VAT 19 + ECO 1");
    expect(parseTaxes(text, name)).toEqual(taxes);
  });
});

describe("knownTaxNames", () => {
  it("suggests each name in use once", () => {
    expect(knownTaxNames([{ name: "GST", rate: "5" }], [{ name: "VAT", rate: "20" }, { name: "GST", rate: "10" }])).toEqual(["GST", "VAT"]);
  });

  it("sends an unnamed tax without a name, so the API names it after the seller's country", () => {
    expect(apiTaxes([{ name: "", rate: "22" }, { name: "ECO", rate: "1" }])).toEqual([{ rate: "22" }, { name: "ECO", rate: "1" }]);
  });
});
