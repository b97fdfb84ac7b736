/** One page of a list as a table, then the pager. */
import type { UseQueryResult } from "@tanstack/react-query";
import { type ReactNode, useLayoutEffect, useRef } from "react";
import { Pager } from "./Pager";
import { QueryResult } from "./QueryResult";

/** Give every body cell its column's header as `data-label`: on a phone the rows become cards (styles.css,
 * `.table-cards`), each value under its label, so no column is cut off. */
export function labelCells(table: HTMLTableElement): void {
  const heads = Array.from(table.tHead?.rows[0]?.cells ?? [], (cell) => cell.textContent?.trim() ?? "");
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const label = cell.colSpan === 1 ? heads[column] : "";
        if (label) cell.dataset.label = label;
        else delete cell.dataset.label;
        column += cell.colSpan;
      }
    }
  }
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
  const table = useRef<HTMLTableElement>(null);
  // after every render: the rows and the headers' language may have changed
  useLayoutEffect(() => {
    if (table.current) labelCells(table.current);
  });
  return (
    <QueryResult query={query} isEmpty={(data) => data.data.length === 0} empty={empty}>
      {(data) => (
        <>
          <div className="table-scroll">
            <table ref={table} className="table table-cards" aria-label={label} aria-busy={query.isFetching}>
              <thead>
                <tr>{head}</tr>
              </thead>
              <tbody>{children(data.data)}</tbody>
            </table>
          </div>
          <Pager page={list.page} next={data.next_cursor} onPrevious={list.previousPage} onNext={list.nextPage} />
        </>
      )}
    </QueryResult>
  );
}
