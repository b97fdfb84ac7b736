/** Server state for the reports (`/v1/reports/summary`, `/v1/reports/vat`): per currency, never summed across. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Period } from "../../lib/periods";

/** One currency's figures (amounts are decimal strings). */
export interface Figures {
  currency_code: string;
  invoices: number;
  credit_notes: number;
  issued: string;
  credited: string;
  net: string;
  tax: string;
  total: string;
  paid: string;
  outstanding: string;
  outstanding_count: number;
  overdue: string;
  overdue_count: number;
}

export interface Summary {
  object: "report.summary";
  date_from: string;
  date_to: string;
  group_by: "month" | "entity" | "customer" | null;
  as_of: string;
  totals: Figures[];
  groups: { key: string; name: string | null; figures: Figures[] }[];
}

export interface VatRow {
  currency_code: string;
  tax_treatment: string | null;
  category: string | null;
  rate: string;
  buyer_country: string | null;
  net: string;
  tax: string;
  documents: number;
}

export interface VatReport {
  object: "report.vat";
  date_from: string;
  date_to: string;
  rows: VatRow[];
  totals: { currency_code: string; net: string; tax: string }[];
}

// TODO(merge i14-reports): the typed paths, once openapi.json has them
type Get = (
  path: string,
  init: { params: { query: Record<string, string> }; signal?: AbortSignal },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const get = api.GET as unknown as Get;

export function useSummary(period: Period, groupBy?: "month") {
  return useQuery({
    queryKey: ["report-summary", period, groupBy],
    queryFn: ({ signal }) =>
      unwrap(get("/v1/reports/summary", { params: { query: { ...period, ...(groupBy ? { group_by: groupBy } : {}) } }, signal })) as Promise<Summary>,
    placeholderData: keepPreviousData,
  });
}

export function useVatReport(period: Period) {
  return useQuery({
    queryKey: ["report-vat", period],
    queryFn: ({ signal }) => unwrap(get("/v1/reports/vat", { params: { query: { ...period } }, signal })) as Promise<VatReport>,
    placeholderData: keepPreviousData,
  });
}
