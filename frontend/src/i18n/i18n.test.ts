import { beforeAll, describe, expect, it } from "vitest";
import { makeI18n, pickLocale } from "./index";
import { catalogue, type Language, loadLanguage, type Messages, SUPPORTED } from "./messages";

const catalogues = {} as Record<Language, Messages>;
beforeAll(async () => {
  for (const language of SUPPORTED) catalogues[language] = await loadLanguage(language);
});

describe("the UI languages", () => {
  it("are exactly the documents' seven", () => {
    expect([...SUPPORTED]).toEqual(["en", "de", "sl", "fr", "it", "es", "hr"]);
    expect(Object.keys(catalogues).sort()).toEqual([...SUPPORTED].sort());
    for (const language of SUPPORTED) expect(catalogue(language)).toBe(catalogues[language]);
  });

  it.each(SUPPORTED.filter((language) => language !== "en"))("%s is translated, not English copied", (language) => {
    const english = catalogues.en;
    const same = Object.keys(english).filter(
      (key) => catalogues[language][key as keyof Messages] === english[key as keyof Messages],
    );
    // names, codes and placeholders-only texts may read the same; most texts must not
    expect(same.length / Object.keys(english).length).toBeLessThan(0.15);
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
