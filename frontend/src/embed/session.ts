/**
 * The dashboard session, in memory only (never storage). Two ways in:
 *
 * - embed (`/embed`): the one-use embed token from the URL fragment is exchanged at `sessionUrl` for a
 *   short-lived session token, sent as `Authorization: Bearer`. Life cycle: boot (token from `#token=…`,
 *   removed from the URL at once) → exchange → `ready` → before expiry, or after a 401, `token:request` to
 *   the host → `token` from the host → exchange → `session`. Renewals are single-flight.
 * - app (`/app`, see `src/app/session.ts`): the BFF keeps the session in an HttpOnly cookie; what lives here
 *   is the user, role, permissions and the CSRF token sent with unsafe methods.
 *
 * Either way the role and permissions are re-read from `GET /v1/me` ({@link updateAccess}) so a role
 * change shows without signing in again, and a refused credential ends the session ({@link endSession}).
 */
import { useSyncExternalStore } from "react";
import { config } from "./config";
import { isEmbedded, onHostMessage, post, setHostOrigin } from "./host";

export interface SessionUser {
  id: string;
  name?: string | null;
  email?: string | null;
  role?: string;
}

export interface SessionEntity {
  id: string;
  name?: string;
  currency_code?: string;
  locale?: string;
  [key: string]: unknown;
}

export interface SessionInfo {
  /** embed mode: the bearer token of `/embed/api` */
  session_token?: string;
  /** app mode: sent as `X-CSRF-Token` with unsafe methods (the session itself is an HttpOnly cookie) */
  csrf_token?: string;
  expires_at: string;
  user: SessionUser;
  entity: SessionEntity;
  role?: string;
  permissions: string[];
  origin?: string | null;
}

export interface SessionProblem {
  title?: string;
  detail?: string;
  /** why a token or link was refused: `used`, `expired`, `revoked`, `no_access`, `tampered`, … */
  code?: string;
}

export class SessionError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: SessionProblem,
  ) {
    super(message);
  }
}

/** Why the session ended while the dashboard was open. */
export interface SessionEnd {
  reason: "refused" | "expired" | "signed_out";
  detail?: string;
}

/** Renew this long before the session expires (or at half its lifetime when it is shorter). */
const RENEW_MARGIN_MS = 15_000;

let current: SessionInfo | null = null;
let renewal: Promise<SessionInfo> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let awaitingToken: ((token: string) => void) | null = null;
let ended: SessionEnd | null = null;
const listeners = new Set<(s: SessionInfo) => void>();
const watchers = new Set<() => void>();

export const getSession = (): SessionInfo | null => current;
export const sessionToken = (): string | null => current?.session_token ?? null;
export const csrfToken = (): string | null => current?.csrf_token ?? null;
export const can = (permission: string): boolean => !ended && !!current?.permissions.includes(permission);
export const sessionEnd = (): SessionEnd | null => ended;

function changed(): void {
  for (const watcher of watchers) watcher();
}

function watch(watcher: () => void): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

/** The session as React state: components re-render when the role, permissions or user change. */
export const useSession = (): SessionInfo | null => useSyncExternalStore(watch, getSession);
export const useSessionEnd = (): SessionEnd | null => useSyncExternalStore(watch, sessionEnd);

/** Take a new session (an exchange, a resumed cookie session). */
export function adopt(info: SessionInfo): SessionInfo {
  current = info;
  ended = null;
  for (const listener of listeners) listener(info);
  changed();
  return info;
}

export interface Access {
  user: SessionUser;
  entity: SessionEntity;
  role?: string;
  permissions: string[];
}

/** Fresh facts from `GET /v1/me`: a promotion or demotion shows at once, without a new session. */
export function updateAccess(access: Access): void {
  if (!current) return;
  const same =
    current.role === access.role &&
    current.user.role === access.user.role &&
    current.permissions.join() === [...access.permissions].join() &&
    current.user.email === access.user.email;
  if (same) return;
  current = { ...current, user: access.user, entity: { ...current.entity, ...access.entity }, role: access.role, permissions: access.permissions };
  changed();
}

/** The credential was refused for good (the user was removed, signed out, or the session is gone). */
export function endSession(end: SessionEnd): void {
  if (ended?.reason === end.reason && ended.detail === end.detail) return;
  ended = end;
  clearTimeout(timer);
  changed();
}

export function onSession(listener: (s: SessionInfo) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Read and remove `#token=…` from the URL (it must not linger in history or reach any log). */
export function takeTokenFromUrl(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token");
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  return token;
}

async function exchange(token: string): Promise<SessionInfo> {
  const response = await fetch(config.sessionUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token }),
    credentials: "omit",
  });
  if (!response.ok) {
    let problem: SessionProblem | undefined;
    try {
      problem = await response.json();
    } catch {
      problem = undefined;
    }
    throw new SessionError(problem?.detail ?? `session exchange failed (${response.status})`, response.status, problem);
  }
  const info = adopt((await response.json()) as SessionInfo);
  setHostOrigin(info.origin);
  schedule(info);
  return info;
}

function schedule(info: SessionInfo): void {
  clearTimeout(timer);
  const lifetime = new Date(info.expires_at).getTime() - Date.now();
  if (!isEmbedded() || !Number.isFinite(lifetime)) return;
  const lead = Math.min(RENEW_MARGIN_MS, lifetime / 2);
  timer = setTimeout(() => {
    renew().catch(() => undefined);
  }, Math.max(0, lifetime - lead));
}

function requestToken(): Promise<string> {
  return new Promise((resolve) => {
    awaitingToken = resolve;
    post("token:request");
  });
}

onHostMessage((message) => {
  if (message.type !== "token" || typeof message.token !== "string") return;
  if (awaitingToken) {
    const resolve = awaitingToken;
    awaitingToken = null;
    resolve(message.token);
  } else {
    // an unsolicited fresh token (e.g. the tab became visible again): take it
    exchange(message.token)
      .then((info) => post("session", { expires_at: info.expires_at }))
      .catch(() => undefined);
  }
});

/** Ask the host for a fresh embed token and exchange it; shared by everyone who needs it now. */
export function renew(): Promise<SessionInfo> {
  if (!isEmbedded()) return Promise.reject(new SessionError("The session has expired; sign in again.", 401));
  renewal ??= requestToken()
    .then(exchange)
    .then((info) => {
      post("session", { expires_at: info.expires_at });
      return info;
    })
    .finally(() => {
      renewal = null;
    });
  return renewal;
}

/** Start the session: from the URL fragment's token, or by asking the host for one. `ready` is posted
 * separately ({@link announceReady}) once the app can act on the host's queued messages. */
export async function start(): Promise<SessionInfo> {
  const token = takeTokenFromUrl();
  setHostOrigin(null);
  if (token) return exchange(token);
  if (!isEmbedded()) throw new SessionError("No session token was given.", 401);
  return requestToken().then(exchange);
}

/** Tell the host the dashboard is up (call once the app listens for the host's messages). */
export function announceReady(): void {
  if (current) post("ready", { expires_at: current.expires_at });
}
