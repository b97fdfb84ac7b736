/**
 * Dates as the dashboard's locale writes them, for the date fields (a native `<input type="date">` follows the
 * browser's locale, not the dashboard's). The pattern comes from `Intl.DateTimeFormat(locale)`: `sl` writes
 * `3. 11. 2026` (placeholder `d. m. yyyy`), `de` `3.11.2026`, `en` `11/3/2026`, `hr` `03. 11. 2026.`.
 */
type Part = "day" | "month" | "year";

export interface DatePattern {
  /** what the field shows while empty, e.g. `d. m. yyyy` */
  placeholder: string;
  /** `2026-11-03` as the locale writes it */
  format: (iso: string) => string;
  /** what a person typed, as `YYYY-MM-DD`; `undefined` when it is no calendar date */
  parse: (text: string) => string | undefined;
}

const LETTERS: Record<Part, (twoDigits: boolean) => string> = {
  day: (two) => (two ? "dd" : "d"),
  month: (two) => (two ? "mm" : "m"),
  year: () => "yyyy",
};

/** `YYYY-MM-DD` when the numbers make a calendar date (`2026-02-30` does not). */
function isoOf(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const iso = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

export function datePattern(locale: string): DatePattern {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat(locale, { day: "numeric", month: "numeric", year: "numeric", timeZone: "UTC" });
  } catch {
    formatter = new Intl.DateTimeFormat("en", { day: "numeric", month: "numeric", year: "numeric", timeZone: "UTC" });
  }
  // a day and a month below 10, so a locale that pads them shows it
  const parts = formatter.formatToParts(new Date(Date.UTC(2026, 0, 5)));
  const order: Part[] = [];
  let placeholder = "";
  for (const part of parts) {
    if (part.type === "day" || part.type === "month" || part.type === "year") {
      order.push(part.type);
      placeholder += LETTERS[part.type](part.value.length === 2);
    } else placeholder += part.value;
  }
  return {
    placeholder,
    format: (iso) => {
      const date = new Date(`${iso}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(date.getTime()) ? formatter.format(date) : iso;
    },
    parse: (text) => {
      const numbers = text.match(/\d+/g);
      if (!numbers || numbers.length !== 3) return undefined;
      // 2026-11-03 is understood in every locale
      const fields: Part[] = numbers[0].length === 4 ? ["year", "month", "day"] : order;
      const value = Object.fromEntries(fields.map((field, i) => [field, Number(numbers[i])])) as Record<Part, number>;
      const yearText = numbers[fields.indexOf("year")];
      const year = yearText.length === 2 ? 2000 + value.year : value.year;
      return isoOf(year, value.month, value.day);
    },
  };
}
