/**
 * The typed API client (types generated from the OpenAPI document into `schema.d.ts`).
 * Every call carries the in-memory session token; a 401 renews the session through the host and
 * retries the call once, so an expired session never shows as a failure.
 */
import createClient from "openapi-fetch";
import { config } from "../embed/config";
import { renew, sessionToken } from "../embed/session";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Invoice = Schemas["InvoiceOut"];
export type CreditNote = Schemas["CreditNoteOut"];
export type Payment = Schemas["PaymentOut"];
export type Customer = Schemas["CustomerOut"];
export type Item = Schemas["ItemOut"];
export type Entity = Schemas["EntityOut"];

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

function withAuth(request: Request): Request {
  const headers = new Headers(request.headers);
  const token = sessionToken();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return new Request(request, { headers, credentials: "omit" });
}

/** fetch with the session's bearer token; on 401 renew once and retry the same request. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withAuth(input));
  if (response.status !== 401) return response;
  try {
    await renew();
  } catch {
    return response;
  }
  return fetch(withAuth(retry));
}

const base = config.apiBase.replace(/\/v1\/?$/, "");

export const api = createClient<paths>({ baseUrl: base, fetch: authFetch });

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

/** The URL of an API path under the dashboard's API base (for downloads). */
export const apiUrl = (path: string): string => `${base}${path}`;
