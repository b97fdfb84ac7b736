/** Server state for payment reminders: what the job did for an invoice. */
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

export function useInvoiceReminders(invoiceId: string) {
  return useQuery({
    queryKey: ["reminders", invoiceId],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/invoices/{invoice_id}/reminders", { params: { path: { invoice_id: invoiceId } }, signal })),
  });
}
