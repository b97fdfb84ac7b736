/**
 * A filtered, paged list whose filters and page live in the URL (`?view=…&status=paid&cursor=…&page=2&trail=…`),
 * so a deep link reproduces it. The params are read through the list's schema: an invalid value counts as absent.
 */
import type { FormEvent } from "react";
import { PAGING, parseSearch, type Param } from "../lib/search";
import { navigate, useLocation } from "../router";

/** The filters `schema` names (and the page's cursor) as the URL has them, the page number, and how to move. */
export function useListFilters<F extends string>(view: string, schema: Record<F, Param<string>>) {
  const { params } = useLocation();
  const names = Object.keys(schema) as F[];
  const filters = parseSearch(schema, params) as { [name in F]?: string };
  const { cursor, page = 1, trail = [] } = parseSearch(PAGING, params);
  const filtered = names.some((f) => filters[f]);
  const keep = Object.fromEntries(names.map((f) => [f, filters[f]]));
  const cursors = trail.filter(Boolean);

  /** The filter form's submit: its non-empty fields, from the first page. */
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const name of names) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next[name] = value;
    }
    navigate(view, next);
  };
  // the cursors of the pages before this one ("-" is the first page), so "previous" needs no server support
  const nextPage = (next: string) =>
    navigate(view, { ...keep, cursor: next, page: String(page + 1), trail: [...cursors, cursor ?? "-"].join(",") });
  const previousPage = () => {
    const back = [...cursors];
    const previous = back.pop();
    navigate(view, {
      ...keep,
      cursor: previous && previous !== "-" ? previous : undefined,
      page: page > 2 ? String(page - 1) : undefined,
      trail: back.join(",") || undefined,
    });
  };
  const clear = () => navigate(view);
  return { params, filters: { ...filters, ...(cursor ? { cursor } : {}) }, filtered, page, apply, nextPage, previousPage, clear };
}
