/**
 * The one error policy for server state:
 * - 401: the client already asked the host for a fresh token and retried; reaching here means the
 *   renewal failed, so say the session ended and tell the host;
 * - 403: say, in words, what the user's role does not allow;
 * - anything else: a toast with a title in the UI language for its kind (409 "Not possible", 422 "Please check…",
 *   429, 5xx, other refusals) and the problem's `detail` — except a 422 naming its fields for a mutation whose
 *   form shows each message next to its field (`meta: FIELD_ERRORS_INLINE`); a query or mutation may name
 *   its own message for a status (`meta: { messages: { 404: "invoice.pdfUnavailable" } }`).
 *
 * `useErrorPolicy` applies it to a query client's failures with the translator of the current UI language
 * (from the i18n context), so the same words reach the toast, the inline error states and the host.
 */
import { isCancelledError, QueryClient, type QueryClient as Client } from "@tanstack/react-query";
import { useEffect } from "react";
import { toast } from "../components/toast";
import { post } from "../embed/host";
import { getSession } from "../embed/session";
import { type I18n, type MessageKey, useI18n } from "../i18n";
import { ApiError } from "./client";

/** What a query or mutation tells the policy about its failures. */
export interface ErrorMeta extends Record<string, unknown> {
  /** the form shows a 422's `errors[]` next to its fields: no toast for those */
  fieldErrorsInline?: boolean;
  /** this call's own words for a status (a PDF that cannot be rendered is not "not found") */
  messages?: Partial<Record<number, MessageKey>>;
}

declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: ErrorMeta;
    mutationMeta: ErrorMeta;
  }
}

/** A mutation's `meta` when its form shows a 422's `errors[]` itself (next to the fields). */
export const FIELD_ERRORS_INLINE = { fieldErrorsInline: true } as const satisfies ErrorMeta;

/** The UI's title for a refusal, by status (the API's `detail` follows it). */
const REFUSALS: Partial<Record<number, MessageKey>> = {
  400: "error.invalid",
  409: "error.conflict",
  413: "error.invalid",
  422: "error.invalid",
  429: "error.tooMany",
};

export function describeError(error: unknown, { t }: I18n, meta?: ErrorMeta): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const own = meta?.messages?.[error.status];
  if (own) return t(own);
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
      return permission && t(key) !== key
        ? t("error.forbidden", { role: roleName, what: t(key) })
        : t("error.forbiddenGeneric", { role: roleName });
    }
    case 404:
      return t("error.notFound");
    default: {
      const detail = error.problem.detail || error.problem.title;
      const key = REFUSALS[error.status] ?? (error.status >= 500 ? "error.server" : "error.refused");
      return t(key, { detail });
    }
  }
}

const shownInline = (error: unknown, meta: ErrorMeta | undefined): boolean =>
  !!meta?.fieldErrorsInline && error instanceof ApiError && error.status === 422 && !!error.problem.errors?.length;

function report(error: unknown, i18n: I18n, meta: ErrorMeta | undefined): void {
  const message = describeError(error, i18n, meta);
  toast(message, "error");
  if (error instanceof ApiError && error.status === 401) post("error", { message });
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

/**
 * Report `client`'s failures in the current UI language: a failed mutation (unless its form shows the
 * field errors), and a query's refetch that failed behind data (a query without data shows its own error state).
 */
export function useErrorPolicy(client: Client): void {
  const i18n = useI18n();
  useEffect(() => {
    const queries = client.getQueryCache().subscribe((event) => {
      if (event.type !== "updated" || event.action.type !== "error" || isCancelledError(event.action.error)) return;
      if (event.query.state.data !== undefined) report(event.action.error, i18n, event.query.meta);
    });
    const mutations = client.getMutationCache().subscribe((event) => {
      if (event.type !== "updated" || event.action.type !== "error") return;
      const { error } = event.action;
      if (!shownInline(error, event.mutation.meta)) report(error, i18n, event.mutation.meta);
    });
    return () => {
      queries();
      mutations();
    };
  }, [client, i18n]);
}
