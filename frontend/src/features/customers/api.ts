import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";

export function useCustomers(search: string, cursor?: string) {
  return useQuery({
    queryKey: ["customers", search, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/customers", { params: { query: { search: search || undefined, cursor, limit: 100 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateCustomer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["CustomerCreate"]) => unwrap(api.POST("/v1/customers", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["customers"] }),
  });
}
