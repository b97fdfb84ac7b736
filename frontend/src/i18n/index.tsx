/** The UI language and Intl formatting (numbers, money, dates) for the current locale. */
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { catalogues, type MessageKey, SUPPORTED } from "./messages";

export type { MessageKey } from "./messages";

/** `{name}` in a message, replaced in one pass (a value is never searched for placeholders) */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function pickLocale(requested: string | null | undefined): string {
  const tag = (requested || "en").replace("_", "-");
  const language = tag.split("-")[0].toLowerCase();
  return SUPPORTED.includes(language) ? tag : "en";
}

export interface I18n {
  locale: string;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  money: (amount: string | number | null | undefined, currency: string) => string;
  number: (value: string | number) => string;
  date: (iso: string | null | undefined) => string;
  /** a moment (date and time, in the browser's time zone) */
  dateTime: (iso: string | null | undefined) => string;
}

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

export function makeI18n(locale: string): I18n {
  const language = locale.split("-")[0].toLowerCase();
  const messages = catalogues[language] ?? catalogues.en;
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const moments = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return {
    locale,
    t: (key, vars) => {
      const text = messages[key] ?? catalogues.en[key] ?? key;
      return vars ? text.replace(PLACEHOLDER, (match, name: string) => (name in vars ? String(vars[name]) : match)) : text;
    },
    money: (amount, currency) => {
      if (amount === null || amount === undefined || amount === "") return "—";
      try {
        // decimal strings render exactly: Intl accepts numeric strings without going through a float
        return numberFormat(locale, { style: "currency", currency }).format(String(amount) as unknown as number);
      } catch {
        return `${amount} ${currency}`;
      }
    },
    number: (value) => numberFormat(locale, { maximumFractionDigits: 6 }).format(String(value) as unknown as number),
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
