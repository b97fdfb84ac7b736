/**
 * Countries as a select offers them: every ISO 3166-1 alpha-2 code the API accepts (`countries.json`, the
 * same list as pycountry's; tests/unit/test_dashboard_parity.py keeps them equal), named in the UI language
 * (`Intl.DisplayNames`) and sorted by that name.
 */
import codes from "./countries.json";

export const COUNTRY_CODES: readonly string[] = codes;

export interface CountryOption {
  code: string;
  name: string;
}

const cache = new Map<string, CountryOption[]>();

/** The countries named in `locale`, in its alphabetical order. */
export function countryOptions(locale: string): CountryOption[] {
  let options = cache.get(locale);
  if (!options) {
    const names = new Intl.DisplayNames([locale, "en"], { type: "region", fallback: "code" });
    const collator = new Intl.Collator(locale);
    options = COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
    cache.set(locale, options);
  }
  return options;
}

/** One country's name in `locale` ("DE" → "Nemčija" in sl); an unknown code as it is. */
export function countryName(locale: string, code: string | null | undefined): string {
  if (!code) return "";
  return countryOptions(locale).find((option) => option.code === code.toUpperCase())?.name ?? code;
}
