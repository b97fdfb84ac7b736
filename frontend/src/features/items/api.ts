import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";

export function useItems(search: string, cursor?: string) {
  return useQuery({
    queryKey: ["items", search, cursor ?? null],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/items", { params: { query: { search: search || undefined, cursor, limit: 100 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ItemCreate"]) => unwrap(api.POST("/v1/items", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["items"] }),
  });
}
