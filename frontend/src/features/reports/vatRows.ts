/** The VAT report's rows in report order, and grouped by treatment for the table. */
import type { VatRow } from "./api";

const TREATMENT_ORDER = ["domestic", "reverse_charge", "intra_eu_supply", "oss", "intra_eu_b2c_domestic", "export", "not_taxable", "manual"];

/** Rows in report order: by treatment (the order above, unknown ones after), buyer country (OSS), category, rate (highest first). */
export function ordered(rows: VatRow[]): VatRow[] {
  const rank = (treatment: string | null) => {
    const i = TREATMENT_ORDER.indexOf(treatment ?? "");
    return i < 0 ? TREATMENT_ORDER.length : i;
  };
  return [...rows].sort(
    (a, b) =>
      rank(a.tax_treatment) - rank(b.tax_treatment) ||
      (a.tax_treatment ?? "").localeCompare(b.tax_treatment ?? "") ||
      (a.buyer_country ?? "").localeCompare(b.buyer_country ?? "") ||
      (a.category ?? "").localeCompare(b.category ?? "") ||
      Number(b.rate) - Number(a.rate),
  );
}

/** Consecutive rows of the same treatment. */
export function byTreatment(rows: VatRow[]): [string | null, VatRow[]][] {
  const groups: [string | null, VatRow[]][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0] === row.tax_treatment) last[1].push(row);
    else groups.push([row.tax_treatment, [row]]);
  }
  return groups;
}
