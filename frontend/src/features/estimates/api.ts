/** Server state for estimates (TanStack Query over the typed client). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Estimate, type Invoice, oneOrMany, type Schemas, unwrap } from "../../api/client";
import type { ESTIMATE_STATUSES } from "../../routes/search";
import { announce } from "../invoices/api";

export interface EstimateFilters {
  status?: string;
  date_from?: string;
  date_to?: string;
  search?: string;
  customer_id?: string;
  cursor?: string;
  limit?: number;
}

export function useEstimates(filters: EstimateFilters) {
  return useQuery({
    queryKey: ["estimates", filters],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/v1/estimates", {
          params: { query: { ...filters, status: oneOrMany(filters.status as (typeof ESTIMATE_STATUSES)[number] | undefined) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useEstimate(id: string) {
  return useQuery({
    queryKey: ["estimate", id],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/estimates/{estimate_id}", { params: { path: { estimate_id: id } }, signal })),
    enabled: !!id,
  });
}

function useRefresh() {
  const client = useQueryClient();
  return (estimate?: Estimate) => {
    if (estimate) client.setQueryData(["estimate", estimate.id], estimate);
    void client.invalidateQueries({ queryKey: ["estimates"] });
  };
}

export function useCreateEstimate() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Schemas["EstimateCreate"]) => unwrap(api.POST("/v1/estimates", { body })),
    onSuccess: (estimate) => refresh(estimate),
  });
}

export function useUpdateEstimate(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Schemas["EstimateUpdate"]) =>
      unwrap(api.PATCH("/v1/estimates/{estimate_id}", { params: { path: { estimate_id: id } }, body })),
    onSuccess: (estimate) => refresh(estimate),
  });
}

/** Issue a draft estimate (`POST …/finalize`): the number is taken here. */
export function useIssueEstimate() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/estimates/{estimate_id}/finalize", { params: { path: { estimate_id: id } } })),
    onSuccess: (estimate) => refresh(estimate),
  });
}

export function useDeleteEstimate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/estimates/{estimate_id}", { params: { path: { estimate_id: id } } })),
    onSuccess: (_, id) => {
      client.removeQueries({ queryKey: ["estimate", id] });
      void client.invalidateQueries({ queryKey: ["estimates"] });
    },
  });
}

/** The buyer's answer: accepted, or declined with an optional reason. */
export function useAnswerEstimate() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, accept, reason }: { id: string; accept: boolean; reason?: string }) =>
      unwrap(
        accept
          ? api.POST("/v1/estimates/{estimate_id}/accept", { params: { path: { estimate_id: id } } })
          : api.POST("/v1/estimates/{estimate_id}/decline", { params: { path: { estimate_id: id } }, body: { reason: reason || null } }),
      ),
    onSuccess: (estimate) => refresh(estimate),
  });
}

/** Make the invoice from the estimate (a draft, or issued): answers the invoice. */
export function useConvertEstimate(estimate: Estimate) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (isDraft: boolean) =>
      unwrap(api.POST("/v1/estimates/{estimate_id}/convert", { params: { path: { estimate_id: estimate.id } }, body: { is_draft: isDraft } })),
    onSuccess: (invoice: Invoice) => {
      client.setQueryData(["invoice", invoice.id], invoice);
      void client.invalidateQueries({ queryKey: ["invoices"] });
      void client.invalidateQueries({ queryKey: ["estimates"] });
      void client.invalidateQueries({ queryKey: ["estimate", estimate.id] });
      announce("document.created", invoice);
      if (invoice.status !== "draft") announce("document.issued", invoice);
    },
  });
}
