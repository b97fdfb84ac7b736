/**
 * Validators for the state a screen keeps in the URL's search params. A schema names each param and its
 * validator; `parseSearch` keeps the values that pass and drops the rest, so a hand-edited or stale link
 * falls back to the defaults instead of reaching the API (or the UI) as garbage.
 */

/** Reads one raw value: the value, or `undefined` when it is not valid. */
export type Param<T> = (raw: string) => T | undefined;
export type Schema = Record<string, Param<unknown>>;
export type Parsed<S extends Schema> = { [K in keyof S]?: S[K] extends Param<infer T> ? T : never };

/** Free text (trimmed, not empty, at most `max` characters: the API's limit for `search`). */
export const text =
  (max = 200): Param<string> =>
  (raw) => {
    const value = raw.trim();
    return value && value.length <= max ? value : undefined;
  };

/** A calendar date as the API writes it (`2026-02-28`; `2026-02-30` is not one). */
export const isoDate: Param<string> = (raw) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return undefined;
  const date = new Date(`${raw}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(raw) ? raw : undefined;
};

export const oneOf =
  <V extends string>(values: readonly V[]): Param<V> =>
  (raw) =>
    (values as readonly string[]).includes(raw) ? (raw as V) : undefined;

export const matching =
  (pattern: RegExp): Param<string> =>
  (raw) =>
    pattern.test(raw) ? raw : undefined;

/** A whole number from 1 to `max`. */
export const positiveInt =
  (max = 100_000): Param<number> =>
  (raw) => {
    if (!/^\d{1,9}$/.test(raw)) return undefined;
    const value = Number(raw);
    return value >= 1 && value <= max ? value : undefined;
  };

/** A list cursor as the API gives it (opaque: the last id of the previous page and a check, `inv_….1a2b3c4d`). */
export const cursor = matching(/^[A-Za-z0-9_.-]{1,200}$/);

/** The cursors of the pages before this one, comma-separated, `-` for the first page. */
export const trail: Param<string[]> = (raw) => {
  const cursors = raw.split(",");
  return cursors.length <= 1000 && cursors.every((c) => c === "-" || cursor(c) !== undefined) ? cursors : undefined;
};

/** What a cursor-paged list keeps in the URL besides its filters. */
export const PAGING = { cursor, page: positiveInt(), trail } as const;

/** The params of `schema` that `params` holds with a valid value; everything else is left out. */
export function parseSearch<S extends Schema>(schema: S, params: URLSearchParams): Parsed<S> {
  const parsed: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(schema)) {
    const raw = params.get(name);
    if (raw === null) continue;
    const value = read(raw);
    if (value !== undefined) parsed[name] = value;
  }
  return parsed as Parsed<S>;
}
