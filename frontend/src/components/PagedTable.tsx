/** One page of a list as a table, then the pager. */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Pager } from "./Pager";
import { QueryResult } from "./QueryResult";

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
