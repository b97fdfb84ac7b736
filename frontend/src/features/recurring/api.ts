/** Server state for recurring invoices (`/v1/recurring-invoices`), and the template made from an invoice. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Invoice, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";

export type Recurring = Schemas["RecurringInvoiceOut"];
export type RecurringCreate = Schemas["RecurringInvoiceCreate"];
export type Template = Schemas["InvoiceCreate"];
export const FREQUENCIES = ["monthly", "weekly", "yearly"] as const satisfies readonly Schemas["ScheduleIn"]["frequency"][];
export const ACTIONS = ["issue", "issue_and_send", "draft"] as const satisfies readonly RecurringCreate["action"][];

export function useRecurringList(cursor?: string) {
  return useQuery({
    queryKey: ["recurring", cursor],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/recurring-invoices", { params: { query: { cursor, limit: 20 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useRecurring(id: string) {
  return useQuery({
    queryKey: ["recurring-one", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/recurring-invoices/{recurring_id}", { params: { path: { recurring_id: id } }, signal })),
  });
}

export function useRecurringInvoices(id: string) {
  return useQuery({
    queryKey: ["invoices", { recurring_invoice_id: id }],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/invoices", { params: { query: { recurring_invoice_id: id, limit: 100 } }, signal })),
  });
}

function useRefresh() {
  const client = useQueryClient();
  return (saved?: Recurring) => {
    if (saved) client.setQueryData(["recurring-one", saved.id], saved);
    void client.invalidateQueries({ queryKey: ["recurring"] });
  };
}

export function useCreateRecurring() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: RecurringCreate) => unwrap(api.POST("/v1/recurring-invoices", { body })),
    onSuccess: (saved) => refresh(saved),
    meta: FIELD_ERRORS_INLINE,
  });
}

export function usePauseResume() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, pause }: { id: string; pause: boolean }) =>
      unwrap(
        pause
          ? api.POST("/v1/recurring-invoices/{recurring_id}/pause", { params: { path: { recurring_id: id } } })
          : api.POST("/v1/recurring-invoices/{recurring_id}/resume", { params: { path: { recurring_id: id } } }),
      ),
    onSuccess: (saved) => refresh(saved),
  });
}

export function useDeleteRecurring() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/recurring-invoices/{recurring_id}", { params: { path: { recurring_id: id } } })),
    onSuccess: () => refresh(),
  });
}

/** The invoice body that repeats what ``invoice`` billed: its customer (stored one by id), lines and texts. */
export function templateOf(invoice: Invoice): Template {
  const customer = invoice.customer;
  return {
    ...(customer.id ? { customer_id: customer.id } : { customer: { name: customer.name, email: customer.email, country: customer.country, address: customer.address, city: customer.city, post_code: customer.post_code, tax_number: customer.tax_number } }),
    currency_code: invoice.currency_code,
    note: invoice.note,
    prices_include_tax: invoice.prices_include_tax,
    items: invoice.items.map((line) => ({
      name: line.name,
      description: line.description,
      quantity: line.quantity,
      price: line.price,
      unit: line.unit,
      kind: line.kind,
      item_id: line.item_id,
      ...(line.taxes_decided ? {} : { taxes: line.taxes.map((tax) => ({ rate: tax.rate, name: tax.name })) }),
    })),
  } as Template;
}

/** The browser's IANA time zone (the default for a new schedule). */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
