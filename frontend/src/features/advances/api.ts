/** Server state for advance invoices (prepayment invoices): list, one, issue, pay, void. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type AdvanceInvoice, api, oneOrMany, type Schemas, unwrap } from "../../api/client";

export const ADVANCE_STATUSES = ["issued", "paid", "deducted", "voided"] as const;
export type AdvanceStatus = (typeof ADVANCE_STATUSES)[number];

export interface AdvanceFilters {
  /** one status, or several: any of them */
  status?: AdvanceStatus | readonly AdvanceStatus[];
  customer_id?: string;
  search?: string;
  cursor?: string;
  limit?: number;
}

export function useAdvanceInvoices(filters: AdvanceFilters, enabled = true) {
  return useQuery({
    queryKey: ["advance-invoices", filters],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/advance-invoices", { params: { query: { ...filters, status: oneOrMany(filters.status) } }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

const OPEN_ADVANCE = ["issued", "paid"] as const;

/** The customer's advance invoices a final invoice may still deduct: issued or paid, not deducted. */
export function useOpenAdvances(customerId: string) {
  const enabled = !!customerId;
  const found = useAdvanceInvoices({ customer_id: customerId, status: OPEN_ADVANCE, limit: 100 }, enabled);
  const open: AdvanceInvoice[] = enabled ? [...(found.data?.data ?? [])] : [];
  return open.sort((a, b) => (a.number ?? "").localeCompare(b.number ?? ""));
}

export function useAdvanceInvoice(id: string) {
  return useQuery({
    queryKey: ["advance-invoice", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/advance-invoices/{advance_invoice_id}", { params: { path: { advance_invoice_id: id } }, signal })),
    enabled: !!id,
  });
}

export function useCreateAdvance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["AdvanceInvoiceCreate"]) => unwrap(api.POST("/v1/advance-invoices", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["advance-invoices"] }),
  });
}

function useChanged(id: string) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: ["advance-invoice", id] });
    void client.invalidateQueries({ queryKey: ["advance-invoices"] });
  };
}

export function useAdvancePayment(id: string) {
  const changed = useChanged(id);
  return useMutation({
    mutationFn: (body: Schemas["PaymentCreate"]) => unwrap(api.POST("/v1/payments", { body })),
    onSuccess: changed,
  });
}

export function useVoidAdvance(id: string) {
  const changed = useChanged(id);
  return useMutation({
    mutationFn: (reason: string | null) =>
      unwrap(api.POST("/v1/advance-invoices/{advance_invoice_id}/void", { params: { path: { advance_invoice_id: id } }, body: { reason } })),
    onSuccess: changed,
  });
}
