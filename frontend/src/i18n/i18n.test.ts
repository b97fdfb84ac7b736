import { describe, expect, it } from "vitest";
import { makeI18n, pickLocale } from "./index";
import { catalogues, SUPPORTED } from "./messages";

describe("the UI languages", () => {
  it("are exactly the documents' seven", () => {
    expect([...SUPPORTED]).toEqual(["en", "de", "sl", "fr", "it", "es", "hr"]);
    expect(Object.keys(catalogues).sort()).toEqual([...SUPPORTED].sort());
  });

  it.each(SUPPORTED.filter((language) => language !== "en"))("%s has every English key and no other", (language) => {
    const english = Object.keys(catalogues.en);
    const keys = Object.keys(catalogues[language]);
    expect(english.filter((key) => !keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => !english.includes(key))).toEqual([]);
  });
});

describe("pickLocale", () => {
  it("keeps a supported language's tag and falls back to English for any other", () => {
    expect(pickLocale("de_AT")).toBe("de-AT");
    expect(pickLocale("HR")).toBe("hr");
    expect(pickLocale("sl-si")).toBe("sl-SI");
    expect(pickLocale("pt")).toBe("en");
    expect(pickLocale("pt-BR")).toBe("en");
    expect(pickLocale("")).toBe("en");
    expect(pickLocale(undefined)).toBe("en");
  });

  it("speaks English, and formats as English, for a locale it does not have", () => {
    const i18n = makeI18n(pickLocale("pt"));
    expect(i18n.t("nav.invoices")).toBe(catalogues.en["nav.invoices"]);
    expect(i18n.money("1439.10", "EUR")).toBe("€1,439.10");
  });

  it("formats money in the UI language with the PDF's grouping", () => {
    expect(makeI18n("sl").money("1439.10", "EUR")).toBe("1.439,10\u00a0€");
    expect(makeI18n("de").number("1234.5")).toBe("1.234,5");
  });
});
