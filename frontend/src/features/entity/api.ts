/** The session's entity (the business whose dashboard this is). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";
import { FIELD_ERRORS_INLINE } from "../../api/errors";
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

/** Save the entity's details and settings; a 422 is shown next to its field by the settings form. */
export function useUpdateEntity() {
  const client = useQueryClient();
  const id = entityId();
  return useMutation({
    mutationFn: (body: Schemas["EntityUpdate"]) => unwrap(api.PATCH("/v1/entities/{entity_id}", { params: { path: { entity_id: id } }, body })),
    onSuccess: (entity) => client.setQueryData(["entity", id], entity),
    meta: FIELD_ERRORS_INLINE,
  });
}

/**
 * Upload the entity's logo (the image as the request body with its type); Folio keeps it and points
 * `settings.branding.logo_url` at it. A file the API refuses is a 422 naming `file`, shown by the form.
 */
export function useUploadLogo() {
  const client = useQueryClient();
  const id = entityId();
  return useMutation({
    mutationFn: (file: File) => {
      const init = {
        params: { path: { entity_id: id } },
        body: file,
        bodySerializer: (body: File) => body,
        headers: { "Content-Type": file.type || "application/octet-stream" },
      };
      // the route reads a raw image body, which the OpenAPI document does not describe
      return unwrap(api.POST("/v1/entities/{entity_id}/logo", init as unknown as { params: { path: { entity_id: string } } }));
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["entity", id] }),
    meta: FIELD_ERRORS_INLINE,
  });
}
