/**
 * The live preview of a draft's totals. It mirrors invoicing/core/totals.py exactly, so the figures
 * shown while typing are the ones the server computes on save (the server's stay authoritative):
 *
 * - a line's net = round_half_up(quantity × price × (1 − discount/100), the currency's minor unit);
 * - tax per (name, rate) = round_half_up(sum of the line nets carrying it × rate/100);
 * - total_with_tax = total + total_tax;
 * - with prices_include_tax, lines sharing a tax set are summed gross and the net is taken out once.
 */
import { add, cmp, dec, type Dec, div, mul, parseDec, round, sub, toFixed } from "./decimal";

export interface DraftTax {
  rate: string;
  name?: string;
}

export interface DraftLine {
  quantity: string;
  price: string;
  discount?: string;
  taxes: DraftTax[];
}

export interface TaxTotal {
  name: string;
  rate: Dec;
  base: Dec;
  amount: Dec;
}

export interface Totals {
  lines: Dec[];
  taxes: TaxTotal[];
  total: Dec;
  totalTax: Dec;
  totalWithTax: Dec;
}

const HUNDRED = dec(100);
const ZERO = dec(0);

export function minorUnit(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

function lineAmount(line: DraftLine, scale: number): Dec {
  const gross = mul(parseDec(line.quantity) ?? ZERO, parseDec(line.price) ?? ZERO);
  const discount = parseDec(line.discount ?? "0") ?? ZERO;
  return round(div(mul(gross, sub(HUNDRED, discount)), HUNDRED, gross.s + discount.s + 4), scale);
}

const taxesOf = (line: DraftLine) =>
  line.taxes
    .map((t) => ({ name: t.name || "VAT", rate: parseDec(t.rate) }))
    .filter((t): t is { name: string; rate: Dec } => t.rate !== null);

const keyOf = (name: string, rate: Dec) => `${name}\u0000${div(rate, dec(1), 8).v}`;

function breakdown(entries: Map<string, TaxTotal>): TaxTotal[] {
  return [...entries.values()].sort((a, b) => cmp(b.rate, a.rate) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function computeTotals(lines: DraftLine[], currency: string, pricesIncludeTax = false): Totals {
  const scale = minorUnit(currency);
  return pricesIncludeTax ? gross(lines, scale) : net(lines, scale);
}

function net(lines: DraftLine[], scale: number): Totals {
  const taxes = new Map<string, TaxTotal>();
  const nets: Dec[] = [];
  let total = round(ZERO, scale);
  for (const line of lines) {
    const amount = lineAmount(line, scale);
    nets.push(amount);
    total = add(total, amount);
    for (const t of taxesOf(line)) {
      const key = keyOf(t.name, t.rate);
      const entry = taxes.get(key) ?? { name: t.name, rate: t.rate, base: round(ZERO, scale), amount: ZERO };
      entry.base = add(entry.base, amount);
      taxes.set(key, entry);
    }
  }
  let totalTax = round(ZERO, scale);
  for (const entry of taxes.values()) {
    entry.amount = round(div(mul(entry.base, entry.rate), HUNDRED, entry.base.s + entry.rate.s + 4), scale);
    totalTax = add(totalTax, entry.amount);
  }
  return { lines: nets, taxes: breakdown(taxes), total, totalTax, totalWithTax: add(total, totalTax) };
}

function gross(lines: DraftLine[], scale: number): Totals {
  const groups = new Map<string, { gross: Dec; taxes: { name: string; rate: Dec }[] }>();
  const nets: Dec[] = [];
  for (const line of lines) {
    const amount = lineAmount(line, scale);
    const lineTaxes = taxesOf(line);
    const rate = lineTaxes.reduce((s, t) => add(s, t.rate), ZERO);
    nets.push(div(mul(amount, HUNDRED), add(HUNDRED, rate), scale));
    const key = lineTaxes.map((t) => keyOf(t.name, t.rate)).sort().join("|");
    const group = groups.get(key) ?? { gross: round(ZERO, scale), taxes: lineTaxes };
    group.gross = add(group.gross, amount);
    groups.set(key, group);
  }
  const taxes = new Map<string, TaxTotal>();
  let total = round(ZERO, scale);
  let totalWithTax = round(ZERO, scale);
  for (const group of groups.values()) {
    const rate = group.taxes.reduce((s, t) => add(s, t.rate), ZERO);
    const netAmount = div(mul(group.gross, HUNDRED), add(HUNDRED, rate), scale);
    let remaining = sub(group.gross, netAmount);
    group.taxes.forEach((t, i) => {
      const amount =
        i === group.taxes.length - 1 ? remaining : round(div(mul(netAmount, t.rate), HUNDRED, netAmount.s + t.rate.s + 4), scale);
      remaining = sub(remaining, amount);
      const key = keyOf(t.name, t.rate);
      const entry = taxes.get(key) ?? { name: t.name, rate: t.rate, base: round(ZERO, scale), amount: round(ZERO, scale) };
      entry.base = add(entry.base, netAmount);
      entry.amount = add(entry.amount, amount);
      taxes.set(key, entry);
    });
    total = add(total, netAmount);
    totalWithTax = add(totalWithTax, group.gross);
  }
  return { lines: nets, taxes: breakdown(taxes), total, totalTax: sub(totalWithTax, total), totalWithTax };
}

/** Totals as the API writes them (decimal strings in the currency's minor unit; a rate as typed). */
export interface TotalsText {
  taxes: { name: string; rate: string; base: string; amount: string }[];
  total: string;
  totalTax: string;
  totalWithTax: string;
}

/** `computeTotals`, written out as the API writes its figures. */
export function totalsText(lines: DraftLine[], currency: string, pricesIncludeTax = false): TotalsText {
  const totals = computeTotals(lines, currency, pricesIncludeTax);
  const scale = minorUnit(currency);
  return {
    taxes: totals.taxes.map((x) => ({ name: x.name, rate: toFixed(x.rate, Math.max(x.rate.s, 0)), base: toFixed(x.base, scale), amount: toFixed(x.amount, scale) })),
    total: toFixed(totals.total, scale),
    totalTax: toFixed(totals.totalTax, scale),
    totalWithTax: toFixed(totals.totalWithTax, scale),
  };
}
