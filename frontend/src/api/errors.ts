/**
 * The one error policy for server state:
 * - 401: the client already asked the host for a fresh token and retried; reaching here means the
 *   renewal failed, so say the session ended and tell the host;
 * - 403: say, in words, what the user's role does not allow;
 * - anything else: a toast with the problem's `detail` — except a 422 naming its fields for a mutation whose
 *   form shows each message next to its field (`meta: FIELD_ERRORS_INLINE`).
 */
import { QueryCache, MutationCache, QueryClient } from "@tanstack/react-query";
import { post } from "../embed/host";
import { getSession } from "../embed/session";
import { type I18n, type MessageKey } from "../i18n";
import { ApiError } from "./client";
import { toast } from "../components/toast";

let i18n: I18n | null = null;
export function setErrorLanguage(value: I18n): void {
  i18n = value;
}

export function describeError(error: unknown, tr: I18n | null = i18n): string {
  const t = tr?.t ?? ((k: MessageKey) => k);
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const session = getSession();
  const role = session?.role ?? session?.user.role ?? "";
  const roleName = role ? t(`role.${role}` as MessageKey) : "?";
  switch (error.status) {
    case 0:
      return t("error.network");
    case 401:
      return t("error.sessionExpired");
    case 403: {
      const permission = error.problem.permission;
      const key = `perm.${permission}` as MessageKey;
      return permission && tr && tr.t(key) !== key
        ? t("error.forbidden", { role: roleName, what: tr.t(key) })
        : t("error.forbiddenGeneric", { role: roleName });
    }
    case 404:
      return t("error.notFound");
    default:
      return error.problem.detail || error.problem.title;
  }
}

function report(error: unknown): void {
  const message = describeError(error);
  toast(message, "error");
  if (error instanceof ApiError && error.status === 401) post("error", { message });
}

/** A mutation's `meta` when its form shows a 422's `errors[]` itself (next to the fields): no toast for those. */
export const FIELD_ERRORS_INLINE = { fieldErrorsInline: true } as const;

const shownInline = (error: unknown, meta: Record<string, unknown> | undefined): boolean =>
  !!meta?.fieldErrorsInline && error instanceof ApiError && error.status === 422 && !!error.problem.errors?.length;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // queries show their own inline error state; a toast only for a refetch that failed behind data
      onError: (error, query) => {
        if (query.state.data !== undefined) report(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!shownInline(error, mutation.meta)) report(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}
