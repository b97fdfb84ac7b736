/**
 * A number format's live example, by the API's rules (invoicing/core/numbering.py): literal text with
 * `{yyyy}`, `{yy}`, `{mm}` and exactly one `{n…}` whose length is the zero padding, at most 60 characters.
 * `null` when the API would refuse the format (it says why, next to the field, when saving).
 */
const TOKEN = /\{([^{}]*)\}/g;
const SEQUENCE = /^n{1,12}$/;
const DATE_TOKENS = new Set(["yyyy", "yy", "mm"]);

export function exampleNumber(pattern: string, on: Date, sequence = 1): string | null {
  if (!pattern || pattern.length > 60) return null;
  const tokens = [...pattern.matchAll(TOKEN)].map((m) => m[1]);
  const rest = pattern.replace(TOKEN, "");
  if (rest.includes("{") || rest.includes("}")) return null;
  if (tokens.some((t) => !DATE_TOKENS.has(t) && !SEQUENCE.test(t))) return null;
  if (tokens.filter((t) => SEQUENCE.test(t)).length !== 1) return null;
  const year = on.getUTCFullYear();
  return pattern.replace(TOKEN, (_, token: string) => {
    if (token === "yyyy") return String(year).padStart(4, "0");
    if (token === "yy") return String(year % 100).padStart(2, "0");
    if (token === "mm") return String(on.getUTCMonth() + 1).padStart(2, "0");
    return String(sequence).padStart(token.length, "0");
  });
}
