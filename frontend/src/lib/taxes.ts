/**
 * A line's taxes as the user types them: rates separated by `+` or `;`, each optionally named
 * (`22`, `VAT 22`, `VAT 9.5 + ECO 1`). A rate without a name takes the line's tax name, so the usual
 * single-name line is a name field and a rate field; a line whose taxes carry different names keeps
 * each name in the text. Names a line or catalogue item already has are kept as they are.
 */

export interface NamedTax {
  name: string;
  rate: string;
}

/** No name: the API names the tax in the seller country's language (DDV, MwSt., TVA…). */
export const DEFAULT_TAX_NAME = "";

const SEGMENT = /^(.*?)\s*([+-]?\d+(?:[.,]\d*)?)\s*%?$/;
const normalizeRate = (rate: string): string => rate.trim().replace(",", ".");

/** The taxes in `text`; unnamed rates take `fallback`. Text that is no rate is passed on for the server to refuse. */
export function parseTaxes(text: string, fallback: string = DEFAULT_TAX_NAME): NamedTax[] {
  const name = fallback.trim();
  const taxes: NamedTax[] = [];
  for (const raw of text.split(/[;+]/)) {
    const segment = raw.trim();
    if (!segment) continue;
    if (/^[\d.,\s]+$/.test(segment) && /\d\s+\d/.test(segment)) {
      // "20 5": several bare rates
      for (const rate of segment.split(/\s+/)) taxes.push({ name, rate: normalizeRate(rate) });
      continue;
    }
    const m = SEGMENT.exec(segment);
    taxes.push(m ? { name: m[1].trim() || name, rate: normalizeRate(m[2]) } : { name, rate: segment });
  }
  return taxes;
}

/** The form's view of taxes: one shared name and the rates, or (names differ) every rate with its name. */
export function formatTaxes(taxes: readonly NamedTax[], fallback: string = DEFAULT_TAX_NAME): { name: string; text: string } {
  const names = new Set(taxes.map((t) => t.name));
  if (names.size <= 1) return { name: taxes[0]?.name ?? fallback, text: taxes.map((t) => t.rate).join(" + ") };
  return { name: fallback, text: taxes.map((t) => `${t.name} ${t.rate}`).join(" + ") };
}

/** Tax names worth suggesting: every name already in use. */
export function knownTaxNames(...groups: readonly (readonly NamedTax[])[]): string[] {
  const names = new Set<string>();
  for (const group of groups) for (const t of group) if (t.name) names.add(t.name);
  return [...names];
}

/** Taxes as the API takes them: an unnamed one leaves `name` out, so the seller's own name is used. */
export const apiTaxes = (taxes: readonly NamedTax[]): { name?: string; rate: string }[] =>
  taxes.map((t) => (t.name ? { name: t.name, rate: t.rate } : { rate: t.rate }));
