/** Server state for the team: members (entity users) and their invitations. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../api/client";

export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type Member = Schemas["EntityUserOut"];

const KEY = ["team"];

export function useTeam() {
  return useQuery({
    queryKey: KEY,
    // who accepted, who left: always re-read when the screen opens
    staleTime: 0,
    queryFn: async ({ signal }) => {
      // teams are small: read every page so the list is whole
      const members: Member[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET("/v1/entity-users", { params: { query: { limit: 100, cursor } }, signal }));
        members.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return members;
    },
  });
}

function useTeamMutation<V, R>(fn: (value: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => client.invalidateQueries({ queryKey: KEY }),
  });
}

export const useInvite = () =>
  useTeamMutation((body: { email: string; role: Role; name?: string }) =>
    unwrap(api.POST("/v1/entity-users", { body: { ...body, send_invite: true } })),
  );

export const useChangeRole = () =>
  useTeamMutation(({ id, role }: { id: string; role: Role }) =>
    unwrap(api.PATCH("/v1/entity-users/{user_id}", { params: { path: { user_id: id } }, body: { role } })),
  );

export const useRemove = () =>
  useTeamMutation((id: string) => unwrap(api.DELETE("/v1/entity-users/{user_id}", { params: { path: { user_id: id } } })));

const of = (id: string) => ({ params: { path: { user_id: id } } });

export const useResendInvitation = () =>
  useTeamMutation((id: string) => unwrap(api.POST("/v1/entity-users/{user_id}/invitation", of(id))));

export const useRevokeInvitation = () =>
  useTeamMutation((id: string) => unwrap(api.DELETE("/v1/entity-users/{user_id}/invitation", of(id))));
