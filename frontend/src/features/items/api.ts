import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";

/** How many matches a picker offers. */
const PICKER_LIMIT = 20;

export function useItems(search: string, cursor?: string) {
  return useQuery({
    queryKey: ["items", search, cursor ?? null],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/items", { params: { query: { search: search || undefined, cursor, limit: 100 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The catalogue items a picker offers for what was typed (the server searches). */
export function useItemMatches(search: string, enabled: boolean) {
  return useQuery({
    queryKey: ["items", search, null, PICKER_LIMIT],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/items", { params: { query: { search: search || undefined, limit: PICKER_LIMIT } }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ItemCreate"]) => unwrap(api.POST("/v1/items", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["items"] }),
    meta: FIELD_ERRORS_INLINE,
  });
}

export function useUpdateItem(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ItemUpdate"]) => unwrap(api.PATCH("/v1/items/{item_id}", { params: { path: { item_id: id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["items"] }),
    meta: FIELD_ERRORS_INLINE,
  });
}

export function useDeleteItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/items/{item_id}", { params: { path: { item_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["items"] }),
  });
}
