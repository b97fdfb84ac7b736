/** The UI language and Intl formatting (numbers, money, dates) for the current locale. */
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { formatMoney, formatNumber } from "../lib/format";
import { catalogue, type Language, loadLanguage, type MessageKey, SUPPORTED } from "./messages";

export type { MessageKey } from "./messages";

/** `{name}` in a message, replaced in one pass (a value is never searched for placeholders) */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const isLanguage = (language: string): language is Language => (SUPPORTED as readonly string[]).includes(language);

/** The UI locale for a requested one: a tag of one of the seven UI languages as given (`de-AT`), anything else English. */
export function pickLocale(requested: string | null | undefined): string {
  const tag = (requested || "en").replace("_", "-");
  const language = tag.split("-")[0].toLowerCase();
  if (!isLanguage(language)) return "en";
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return language;
  }
}

const languageOf = (locale: string): Language => {
  const language = locale.split("-")[0].toLowerCase();
  return isLanguage(language) ? language : "en";
};

/** Load the texts of a locale's language (a chunk of its own); `makeI18n` speaks it once this has resolved. */
export const loadLocale = (locale: string): Promise<unknown> => loadLanguage(languageOf(locale));

export interface I18n {
  locale: string;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  money: (amount: string | number | null | undefined, currency: string) => string;
  number: (value: string | number) => string;
  date: (iso: string | null | undefined) => string;
  /** a moment (date and time, in the browser's time zone) */
  dateTime: (iso: string | null | undefined) => string;
}

export function makeI18n(locale: string): I18n {
  const language = languageOf(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const moments = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return {
    locale,
    t: (key, vars) => {
      const text = catalogue(language)?.[key] ?? catalogue("en")?.[key] ?? key;
      return vars ? text.replace(PLACEHOLDER, (match, name: string) => (name in vars ? String(vars[name]) : match)) : text;
    },
    money: (amount, currency) => formatMoney(locale, amount, currency),
    number: (value) => formatNumber(locale, value),
    date: (iso) => {
      if (!iso) return "—";
      const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
      return Number.isNaN(d.getTime()) ? iso : dates.format(d);
    },
    dateTime: (iso) => {
      if (!iso) return "—";
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : moments.format(d);
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n("en"));

export function I18nProvider({ locale, children }: { locale: string; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);
