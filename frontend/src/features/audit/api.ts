/** Server state for the audit log: who did what to which object, newest first. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";

export type AuditEntry = Schemas["AuditEntry"];

export interface AuditFilters {
  action?: string;
  date_from?: string;
  date_to?: string;
  object_id?: string;
  actor?: string;
  cursor?: string;
}

export function useAuditLog(filters: AuditFilters) {
  return useQuery({
    queryKey: ["audit-log", filters],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/audit-log", { params: { query: { ...filters, limit: 25 } }, signal })),
    placeholderData: keepPreviousData,
  });
}
