/**
 * A filtered, paged list whose filters and page live in the URL (`?view=…&status=paid&cursor=…&page=2&trail=…`),
 * so a deep link reproduces it: the filter form's actions, the date range, the pager and the paged table.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import { type FormEvent, type ReactNode } from "react";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { QueryResult } from "./ui";

export type ListFilters<F extends string> = { [name in F | "cursor"]?: string };

/** The filters `names` (and the page's cursor) as the URL has them, the page number, and how to move. */
export function useListFilters<F extends string>(view: string, names: readonly F[]) {
  const { params } = useLocation();
  const filters: ListFilters<F> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const cursor = params.get("cursor");
  if (cursor) filters.cursor = cursor;
  const page = Math.max(1, Number(params.get("page") || "1"));
  const cursors = (params.get("trail") || "").split(",").filter(Boolean);
  const filtered = names.some((f) => filters[f]);
  const keep = Object.fromEntries(names.map((f) => [f, filters[f]]));

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
    navigate(view, { ...keep, cursor: next, page: String(page + 1), trail: [...cursors, filters.cursor ?? "-"].join(",") });
  const previousPage = () => {
    const trail = [...cursors];
    const previous = trail.pop();
    navigate(view, {
      ...keep,
      cursor: previous && previous !== "-" ? previous : undefined,
      page: page > 2 ? String(page - 1) : undefined,
      trail: trail.join(",") || undefined,
    });
  };
  const clear = () => navigate(view);
  return { params, filters, filtered, page, apply, nextPage, previousPage, clear };
}

/** The "from" and "to" date filters. */
export function DateRange({ from, to }: { from: string | undefined; to: string | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t("invoices.dateFrom")}
        <input type="date" name="date_from" defaultValue={from ?? ""} />
      </label>
      <label>
        {t("invoices.dateTo")}
        <input type="date" name="date_to" defaultValue={to ?? ""} />
      </label>
    </>
  );
}

/** Apply, and clear once anything is filtered. */
export function FilterActions({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  const { t } = useI18n();
  return (
    <div className="filter-actions">
      <button type="submit" className="button">
        {t("invoices.apply")}
      </button>
      {filtered && (
        <button type="button" className="button subtle" onClick={onClear}>
          {t("invoices.clear")}
        </button>
      )}
    </div>
  );
}

export function Pager({
  page,
  next,
  onPrevious,
  onNext,
}: {
  page: number;
  next: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t("invoices.page", { page })}>
      <span>{t("invoices.page", { page })}</span>
      {page > 1 && (
        <button type="button" className="button subtle" onClick={onPrevious}>
          {t("common.previous")}
        </button>
      )}
      {next && (
        <button type="button" className="button subtle" onClick={() => onNext(next)}>
          {t("common.next")}
        </button>
      )}
    </nav>
  );
}

/** One page of a list as a table (`head` its header cells, `children` its rows), then the pager. */
export function PagedTable<T extends { data: unknown[]; next_cursor?: string | null }>({
  query,
  label,
  empty,
  list,
  head,
  children,
}: {
  query: UseQueryResult<T>;
  label: string;
  empty: string;
  list: { page: number; previousPage: () => void; nextPage: (cursor: string) => void };
  head: ReactNode;
  children: (rows: T["data"]) => ReactNode;
}) {
  return (
    <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={empty}>
      {(data) => (
        <>
          <table className="table" aria-label={label} aria-busy={query.isFetching}>
            <thead>
              <tr>{head}</tr>
            </thead>
            <tbody>{children(data.data)}</tbody>
          </table>
          <Pager page={list.page} next={data.next_cursor} onPrevious={list.previousPage} onNext={list.nextPage} />
        </>
      )}
    </QueryResult>
  );
}
