/** The session's entity (the business whose dashboard this is). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import { getSession } from "../../embed/session";

export const entityId = (): string => getSession()?.entity.id ?? "";

export function useEntity() {
  const id = entityId();
  return useQuery({
    queryKey: ["entity", id],
    queryFn: ({ signal }) => unwrap(api.GET("/v1/entities/{entity_id}", { params: { path: { entity_id: id } }, signal })),
    enabled: !!id,
    staleTime: 60_000,
  });
}

export function useUpdateEntity() {
  const client = useQueryClient();
  const id = entityId();
  return useMutation({
    mutationFn: (body: Schemas["EntityUpdate"]) => unwrap(api.PATCH("/v1/entities/{entity_id}", { params: { path: { entity_id: id } }, body })),
    onSuccess: (entity) => client.setQueryData(["entity", id], entity),
  });
}
