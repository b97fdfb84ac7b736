import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";

/** How many matches a picker offers. */
const PICKER_LIMIT = 20;

export function useCustomers(search: string, cursor?: string) {
  return useQuery({
    queryKey: ["customers", search, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/customers", { params: { query: { search: search || undefined, cursor, limit: 100 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The customers a picker offers for what was typed (the server searches). */
export function useCustomerMatches(search: string, enabled: boolean) {
  return useQuery({
    queryKey: ["customers", search, null, PICKER_LIMIT],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/customers", { params: { query: { search: search || undefined, limit: PICKER_LIMIT } }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: ["customers", id],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/customers/{customer_id}", { params: { path: { customer_id: id } }, signal })),
    enabled: !!id,
  });
}

export function useCreateCustomer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["CustomerCreate"]) => unwrap(api.POST("/v1/customers", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["customers"] }),
    meta: FIELD_ERRORS_INLINE,
  });
}

export function useUpdateCustomer(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["CustomerUpdate"]) =>
      unwrap(api.PATCH("/v1/customers/{customer_id}", { params: { path: { customer_id: id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["customers"] }),
    meta: FIELD_ERRORS_INLINE,
  });
}

export function useDeleteCustomer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/customers/{customer_id}", { params: { path: { customer_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["customers"] }),
  });
}

/** Checks a VAT number (syntax, checksum, then VIES); a malformed number is a 422 naming `vat_number`, shown inline. */
export function useCheckVatNumber() {
  return useMutation({
    mutationFn: (vat_number: string) => unwrap(api.POST("/v1/vat-numbers/check", { body: { vat_number } })),
    meta: FIELD_ERRORS_INLINE,
  });
}
