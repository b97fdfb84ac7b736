/**
 * The typed API client (types generated from the OpenAPI document into `schema.d.ts`).
 *
 * - embed mode: every call carries the in-memory session token; a 401 for an expired session renews it
 *   through the host and retries the call once, so an expiry never shows as a failure;
 * - app mode: same-origin calls with the session cookie, unsafe methods with `X-CSRF-Token`;
 * - a 401 that no renewal can cure (the user was removed, the cookie session is gone) ends the session;
 * - a 403 re-reads `GET /v1/me`, so the UI stops offering what the role no longer allows.
 */
import createClient from "openapi-fetch";
import { config, isAppMode } from "../embed/config";
import { type Access, csrfToken, endSession, getSession, renew, sessionEnd, sessionToken, updateAccess } from "../embed/session";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Invoice = Schemas["InvoiceOut"];
export type CreditNote = Schemas["CreditNoteOut"];
export type Estimate = Schemas["EstimateOut"];
export type AdvanceInvoice = Schemas["AdvanceInvoiceOut"];
export type Payment = Schemas["PaymentOut"];
export type Customer = Schemas["CustomerOut"];
export type Item = Schemas["ItemOut"];
export type Entity = Schemas["EntityOut"];

/** A query parameter that takes one value or several (sent repeated: `status=a&status=b`); none for "" or undefined. */
export const oneOrMany = <T extends string>(value: T | readonly T[] | undefined): T[] | undefined =>
  typeof value === "string" ? (value ? [value] : undefined) : value && [...value];

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  permission?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** The BFF's reasons for refusing an embed session that a fresh token from the host cures. */
const RENEWABLE = new Set(["expired", "no_session", "malformed", "tampered", "wrong_purpose"]);

function withAuth(request: Request): Request {
  const headers = new Headers(request.headers);
  if (isAppMode()) {
    const csrf = csrfToken();
    if (csrf && UNSAFE.has(request.method.toUpperCase())) headers.set("X-CSRF-Token", csrf);
    return new Request(request, { headers, credentials: "same-origin" });
  }
  const token = sessionToken();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return new Request(request, { headers, credentials: "omit" });
}

async function refusal(response: Response): Promise<{ code?: string; detail?: string }> {
  try {
    return (await response.clone().json()) as { code?: string; detail?: string };
  } catch {
    return {};
  }
}

function ended(problem: { code?: string; detail?: string }): void {
  endSession({ reason: problem.code === "expired" ? "expired" : "refused", detail: problem.detail });
}

/** fetch with the session's credential; an expired embed session is renewed once and the request retried. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withAuth(input));
  if (response.status === 403 && !input.url.endsWith(ME)) void refreshAccess();
  if (response.status !== 401) return response;
  const problem = await refusal(response);
  if (isAppMode() || !RENEWABLE.has(problem.code ?? "")) {
    ended(problem);
    return response;
  }
  try {
    await renew();
  } catch {
    return response;
  }
  const again = await fetch(withAuth(retry));
  if (again.status === 401) ended(await refusal(again));
  return again;
}

const base = config.apiBase.replace(/\/v1\/?$/, "");
const ME = "/v1/me" as const;
export const api = createClient<paths>({ baseUrl: base, fetch: authFetch });
let reading: Promise<void> | null = null;

/** Re-read the user's role and permissions (`GET /v1/me`); concurrent callers share one request. */
export function refreshAccess(): Promise<void> {
  if (!getSession() || sessionEnd()) return Promise.resolve();
  reading ??= api
    .GET(ME)
    .then(({ data }) => {
      if (data) updateAccess(data satisfies Access);
    })
    .catch(() => undefined)
    .finally(() => {
      reading = null;
    });
  return reading;
}

async function problemOf(response: Response, error: unknown): Promise<Problem> {
  if (error && typeof error === "object" && "status" in error) return error as Problem;
  return { status: response.status, title: response.statusText || "Error", detail: typeof error === "string" ? error : undefined };
}

/** Unwrap an openapi-fetch result: the data, or an ApiError carrying the problem+json. */
export async function unwrap<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch (e) {
    throw new ApiError({ status: 0, title: "Network error", detail: e instanceof Error ? e.message : String(e) });
  }
  if (result.response.ok) return result.data as T;
  throw new ApiError(await problemOf(result.response, result.error));
}
