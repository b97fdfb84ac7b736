/**
 * Exact decimal arithmetic for money previews: a value is an integer `v` scaled by 10^-s.
 * Rounding is half-up (away from zero on a tie), as Python's ROUND_HALF_UP on the server.
 */
export interface Dec {
  v: bigint;
  s: number;
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

export function parseDec(input: string | number | null | undefined): Dec | null {
  const text = String(input ?? "").trim().replace(",", ".");
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const frac = m[3] ?? "";
  const v = BigInt((m[2] || "0") + frac);
  return { v: m[1] === "-" ? -v : v, s: frac.length };
}

export const dec = (input: string | number): Dec => parseDec(input) ?? { v: 0n, s: 0 };

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.s, b.s);
  return [a.v * pow10(s - a.s), b.v * pow10(s - b.s), s];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { v: x + y, s };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { v: x - y, s };
}

export function mul(a: Dec, b: Dec): Dec {
  return { v: a.v * b.v, s: a.s + b.s };
}

/** numerator / denominator, rounded half-up to `scale` decimals. */
function divRound(numerator: bigint, denominator: bigint, scale: number): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = (numerator < 0n ? -numerator : numerator) * pow10(scale) * 2n;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n / d + 1n) / 2n;
  return negative ? -q : q;
}

export function round(a: Dec, scale: number): Dec {
  if (a.s <= scale) return { v: a.v * pow10(scale - a.s), s: scale };
  return { v: divRound(a.v, pow10(a.s), scale), s: scale };
}

/** a / b rounded half-up to `scale` decimals. */
export function div(a: Dec, b: Dec, scale: number): Dec {
  // a.v·10^-a.s / (b.v·10^-b.s) = (a.v·10^b.s) / (b.v·10^a.s)
  return { v: divRound(a.v * pow10(b.s), b.v * pow10(a.s), scale), s: scale };
}

export function toFixed(a: Dec, scale: number): string {
  const r = round(a, scale);
  const negative = r.v < 0n;
  const digits = (negative ? -r.v : r.v).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = scale ? "." + digits.slice(digits.length - scale) : "";
  return (negative ? "-" : "") + int + frac;
}

export const isZero = (a: Dec): boolean => a.v === 0n;
export const cmp = (a: Dec, b: Dec): number => {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
};
