import { describe, expect, it } from "vitest";
import cases from "./format.cases.json";
import { formatMoney, formatNumber } from "./format";

describe("formatMoney", () => {
  it.each(cases.money)("prints $amount in $locale exactly as the PDF (Babel): $text", ({ locale, amount, currency, text }) => {
    expect(formatMoney(locale, amount, currency)).toBe(text);
  });

  it("groups a 4-digit amount in Slovenian, as the PDF does", () => {
    expect(formatMoney("sl", "1439.10", "EUR")).toBe("1.439,10\u00a0€");
    expect(formatMoney("sl-SI", 1439.1, "EUR")).toBe("1.439,10\u00a0€");
  });

  it("keeps every digit of a decimal string and shows no amount as a dash", () => {
    expect(formatMoney("en", "12345678901234.57", "EUR")).toBe("€12,345,678,901,234.57");
    expect(formatMoney("de", null, "EUR")).toBe("—");
    expect(formatMoney("de", "", "EUR")).toBe("—");
  });
});

describe("formatNumber", () => {
  it.each(cases.numbers)("prints $value in $locale as Babel does: $text", ({ locale, value, text }) => {
    expect(formatNumber(locale, value)).toBe(text);
  });
});
