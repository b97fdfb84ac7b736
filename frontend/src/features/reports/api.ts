/** Server state for the reports (`/v1/reports/summary`, `/v1/reports/vat`): per currency, never summed across. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import type { Period } from "../../lib/periods";

/** One currency's figures (amounts are decimal strings). */
export type Figures = Schemas["Figures"];
export type Summary = Schemas["SummaryReport"];
export type VatReport = Schemas["VatReport"];
export type VatRow = Schemas["VatRow"];

export function useSummary(period: Period, groupBy?: "month") {
  return useQuery({
    queryKey: ["report-summary", period, groupBy],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/reports/summary", { params: { query: { ...period, group_by: groupBy } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useVatReport(period: Period) {
  return useQuery({
    queryKey: ["report-vat", period],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/reports/vat", { params: { query: { ...period } }, signal })),
    placeholderData: keepPreviousData,
  });
}
