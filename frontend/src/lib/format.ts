/**
 * Money and numbers as the documents print them. The PDF formats with Babel (CLDR patterns, every group
 * separated, an ASCII minus); `Intl` alone leaves 4-digit amounts ungrouped in some languages (sl, es, it:
 * CLDR's "minimum grouping digits") and writes U+2212 for the minus in others. These follow Babel's rules,
 * so the dashboard and the PDF show the same "1.439,10 €".
 */

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let format = cache.get(key);
  if (!format) {
    // "always": group every number of 4+ digits (ES2023; the ES2022 typings know only booleans)
    format = new Intl.NumberFormat(locale, { ...options, useGrouping: "always" as unknown as boolean });
    cache.set(key, format);
  }
  return format;
}

/** Babel writes the minus as "-" in every language */
const ascii = (text: string): string => text.replace(/\u2212/g, "-");

/** An amount (a decimal string is formatted exactly, never through a float) in its currency: "1.439,10 €" in sl. */
export function formatMoney(locale: string, amount: string | number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  try {
    // Intl accepts numeric strings without going through a float
    return ascii(numberFormat(locale, { style: "currency", currency }).format(String(amount) as unknown as number));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A quantity or rate with every decimal it has (up to 6): "1.234,5" in de. */
export function formatNumber(locale: string, value: string | number): string {
  return ascii(numberFormat(locale, { maximumFractionDigits: 6 }).format(String(value) as unknown as number));
}
