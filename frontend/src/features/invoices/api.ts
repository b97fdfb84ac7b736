/** Server state for invoices, payments and credit notes (TanStack Query over the typed client). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type AdvanceInvoice, api, type CreditNote, oneOrMany, type Estimate, type Invoice, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";
import { post } from "../../embed/host";
import { useDebounced } from "../../hooks/useDebounced";
import type { INVOICE_STATUSES } from "../../routes/search";

type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceFilters {
  /** one status, or several: any of them */
  status?: string | readonly InvoiceStatus[];
  date_from?: string;
  date_to?: string;
  search?: string;
  customer_id?: string;
  /** only invoices past their due date with something due */
  overdue?: boolean;
  /** `-total_due`: the largest amount due first (nothing due last) */
  sort?: "-total_due";
  cursor?: string;
  limit?: number;
}

export function useInvoices(filters: InvoiceFilters) {
  return useQuery({
    queryKey: ["invoices", filters],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/v1/invoices", {
          params: { query: { ...filters, status: oneOrMany(filters.status as InvoiceStatus | readonly InvoiceStatus[] | undefined) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useInvoice(id: string) {
  return useQuery({
    queryKey: ["invoice", id],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/invoices/{invoice_id}", { params: { path: { invoice_id: id } }, signal })),
    enabled: !!id,
  });
}

export function usePayments(invoiceId: string) {
  return useQuery({
    queryKey: ["payments", invoiceId],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/payments", { params: { query: { invoice_id: invoiceId, limit: 100 } }, signal })),
  });
}

export function useCreditNotes(invoiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: ["credit-notes", invoiceId],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/credit-notes", { params: { query: { invoice_id: invoiceId, limit: 100 } }, signal })),
    enabled,
  });
}

export function useCreditNote(id: string) {
  return useQuery({
    queryKey: ["credit-note", id],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/credit-notes/{credit_note_id}", { params: { path: { credit_note_id: id } }, signal })),
    enabled: !!id,
  });
}

/** An issued document the dashboard can download and send, and that has an e-invoice: an invoice or a credit note. */
export type Sendable = Invoice | CreditNote;
/** A document with a PDF and e-invoices: an invoice, a credit note or an advance invoice. */
export type Downloadable = Sendable | AdvanceInvoice;
/** A document with a PDF that can be e-mailed: those, or an estimate (an offer: no e-invoice). */
export type Mailable = Downloadable | Estimate;
export const isCreditNote = (doc: Mailable): doc is CreditNote => doc.object === "credit_note";
export const isEstimate = (doc: Mailable): doc is Estimate => doc.object === "estimate";
export const isAdvance = (doc: Mailable): doc is AdvanceInvoice => doc.object === "advance_invoice";

/** E-mail an issued invoice, credit note, advance invoice or estimate (`POST …/send`); the API records the message (`/v1/emails`). */
export function useSendDocument(doc: Mailable) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["SendIn"]) =>
      unwrap(
        isEstimate(doc)
          ? api.POST("/v1/estimates/{estimate_id}/send", { params: { path: { estimate_id: doc.id } }, body })
          : isAdvance(doc)
          ? api.POST("/v1/advance-invoices/{advance_invoice_id}/send", { params: { path: { advance_invoice_id: doc.id } }, body })
          : isCreditNote(doc)
            ? api.POST("/v1/credit-notes/{credit_note_id}/send", { params: { path: { credit_note_id: doc.id } }, body })
            : api.POST("/v1/invoices/{invoice_id}/send", { params: { path: { invoice_id: doc.id } }, body }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["emails", doc.id] }),
    meta: FIELD_ERRORS_INLINE,
  });
}

/** The e-mails sent for a document, newest first. */
export function useDocumentEmails(documentId: string) {
  return useQuery({
    queryKey: ["emails", documentId],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/emails", { params: { query: { document_id: documentId, limit: 20 } }, signal })),
  });
}

/** Tell the host about a document's life-cycle event (`event {name, id, number}`). */
export function announce(name: "document.created" | "document.issued" | "document.paid", doc: { id: string; number?: string | null }) {
  post("event", { name, id: doc.id, number: doc.number ?? null });
}

function useRefresh() {
  const client = useQueryClient();
  return (invoice?: Invoice) => {
    if (invoice) client.setQueryData(["invoice", invoice.id], invoice);
    void client.invalidateQueries({ queryKey: ["invoices"] });
    if (invoice) {
      void client.invalidateQueries({ queryKey: ["invoice", invoice.id] });
      void client.invalidateQueries({ queryKey: ["payments", invoice.id] });
      void client.invalidateQueries({ queryKey: ["credit-notes", invoice.id] });
    }
  };
}

export function useCreateInvoice() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Schemas["InvoiceCreate"]) => unwrap(api.POST("/v1/invoices", { body })),
    onSuccess: (invoice) => {
      refresh(invoice);
      announce("document.created", invoice);
      if (invoice.status !== "draft") announce("document.issued", invoice);
    },
  });
}

export function useUpdateInvoice(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Schemas["InvoiceUpdate"]) =>
      unwrap(api.PATCH("/v1/invoices/{invoice_id}", { params: { path: { invoice_id: id } }, body })),
    onSuccess: (invoice) => refresh(invoice),
  });
}

export function useFinalize() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/invoices/{invoice_id}/finalize", { params: { path: { invoice_id: id } } })),
    onSuccess: (invoice) => {
      refresh(invoice);
      announce("document.issued", invoice);
    },
  });
}

export function useDeleteDraft() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/invoices/{invoice_id}", { params: { path: { invoice_id: id } } })),
    onSuccess: (_, id) => {
      client.removeQueries({ queryKey: ["invoice", id] });
      void client.invalidateQueries({ queryKey: ["invoices"] });
    },
  });
}

export function useVoid() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      unwrap(api.POST("/v1/invoices/{invoice_id}/void", { params: { path: { invoice_id: id } }, body: { reason: reason || null } })),
    onSuccess: (invoice) => refresh(invoice),
  });
}

export function useRecordPayment(invoice: Invoice) {
  const refresh = useRefresh();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["PaymentCreate"]) => unwrap(api.POST("/v1/payments", { body })),
    onSuccess: async (payment) => {
      refresh();
      await client.invalidateQueries({ queryKey: ["invoice", invoice.id] });
      void client.invalidateQueries({ queryKey: ["payments", invoice.id] });
      if (payment.invoice_status === "paid") announce("document.paid", invoice);
    },
  });
}

export function useCreateCreditNote(invoice: Invoice) {
  const refresh = useRefresh();
  const client = useQueryClient();
  return useMutation({
    /** without `items`, the credit note reverses everything not yet credited; `reason` is printed on it */
    mutationFn: ({ items, reason }: { items?: Schemas["LineIn"][]; reason?: string | null }) =>
      unwrap(api.POST("/v1/credit-notes", { body: { invoice_id: invoice.id, ...(items ? { items } : {}), reason: reason || null } })),
    onSuccess: async (note) => {
      refresh();
      await client.invalidateQueries({ queryKey: ["invoice", invoice.id] });
      void client.invalidateQueries({ queryKey: ["credit-notes", invoice.id] });
      announce("document.created", note);
      if (note.status !== "draft") announce("document.issued", note);
    },
    meta: FIELD_ERRORS_INLINE,
  });
}

/** Save `blob` as a file named `name` (through a temporary link). */
export function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Download an invoice's, credit note's, advance invoice's or estimate's PDF; a failure is reported by the error policy (404/405: PDFs are not available here). */
export function useDownloadPdf() {
  return useMutation({
    mutationFn: (doc: Mailable) =>
      unwrap(
        isEstimate(doc)
          ? api.GET("/v1/estimates/{estimate_id}/pdf", {
              params: { path: { estimate_id: doc.id } },
              headers: { Accept: "application/pdf" },
              parseAs: "blob",
            })
          : isAdvance(doc)
          ? api.GET("/v1/advance-invoices/{advance_invoice_id}/pdf", {
              params: { path: { advance_invoice_id: doc.id } },
              headers: { Accept: "application/pdf" },
              parseAs: "blob",
            })
          : isCreditNote(doc)
          ? api.GET("/v1/credit-notes/{credit_note_id}/pdf", {
              params: { path: { credit_note_id: doc.id } },
              headers: { Accept: "application/pdf" },
              parseAs: "blob",
            })
          : api.GET("/v1/invoices/{invoice_id}/pdf", {
              params: { path: { invoice_id: doc.id } },
              headers: { Accept: "application/pdf" },
              parseAs: "blob",
            }),
      ),
    onSuccess: (blob, doc) => saveAs(blob as Blob, `${doc.number ?? doc.id}.pdf`),
    meta: { messages: { 404: "invoice.pdfUnavailable", 405: "invoice.pdfUnavailable" } },
  });
}

/** Which e-invoice formats an issued document can be produced in, and what each unavailable one lacks. */
export function useEInvoiceFormats(doc: Downloadable, enabled: boolean) {
  return useQuery({
    queryKey: ["einvoice-formats", doc.id],
    enabled,
    queryFn: ({ signal }) =>
      unwrap(
        isAdvance(doc)
          ? api.GET("/v1/advance-invoices/{advance_invoice_id}/einvoice-formats", {
              params: { path: { advance_invoice_id: doc.id } },
              signal,
            })
          : isCreditNote(doc)
          ? api.GET("/v1/credit-notes/{credit_note_id}/einvoice-formats", {
              params: { path: { credit_note_id: doc.id } },
              signal,
            })
          : api.GET("/v1/invoices/{invoice_id}/einvoice-formats", { params: { path: { invoice_id: doc.id } }, signal }),
      ),
  });
}

/** Download an issued document as an e-invoice (`facturx` is a PDF, the others XML), through the BFF like the PDF. */
export function useDownloadEInvoice() {
  return useMutation({
    mutationFn: ({ doc, format }: { doc: Downloadable; format: string }) =>
      unwrap(
        isAdvance(doc)
          ? api.GET("/v1/advance-invoices/{advance_invoice_id}/einvoice", {
              params: { path: { advance_invoice_id: doc.id }, query: { format } },
              parseAs: "blob",
            })
          : isCreditNote(doc)
          ? api.GET("/v1/credit-notes/{credit_note_id}/einvoice", {
              params: { path: { credit_note_id: doc.id }, query: { format } },
              parseAs: "blob",
            })
          : api.GET("/v1/invoices/{invoice_id}/einvoice", {
              params: { path: { invoice_id: doc.id }, query: { format } },
              parseAs: "blob",
            }),
      ),
    onSuccess: (blob, { doc, format }) =>
      saveAs(blob as Blob, `${doc.number ?? doc.id}-${format}.${format === "facturx" ? "pdf" : "xml"}`),
  });
}

/**
 * What the server decides for a draft before it is saved (`POST /v1/invoices/preview` writes nothing): the
 * VAT treatment and each line's rates. Keyed on the body, asked once typing has paused; a 422 while the
 * draft is incomplete is shown by the panel, not as a toast.
 */
export function useInvoicePreview(body: Schemas["InvoiceCreate"]) {
  const settled = useDebounced(body, 400);
  return useQuery({
    queryKey: ["invoice-preview", settled],
    queryFn: ({ signal }) => unwrap(api.POST("/v1/invoices/preview", { body: settled, signal })),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}
