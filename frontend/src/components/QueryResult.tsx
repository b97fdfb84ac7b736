/** A query's loading, error and empty states around what its data renders as. */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Empty } from "./Empty";
import { ErrorState } from "./ErrorState";
import { Loading } from "./Loading";

/** A query's loading and error states, `empty` when `isEmpty` says so, else what `children` makes of its data. */
export function QueryResult<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}
