/**
 * The standalone dashboard's session (`/app`): first-party, in an HttpOnly cookie the BFF sets; the page
 * only holds what the BFF answers (user, entity, role, permissions, the CSRF token) in memory.
 *
 *   /app/sign-in?entity=ent_…#token=…   the e-mailed link: the token leaves the URL at once →
 *                                        POST sessionUrl {token} → the session (cookie + body)
 *   /app                                 GET sessionUrl → the session, or 401 → the sign-in page
 *   sign-in page                         POST signInUrl {email} → 202 → "check your inbox"
 *   sign out                             POST signOutUrl (with the CSRF token)
 *
 * A refused link answers 401 problem+json whose `code` says why (`used`, `expired`, `revoked`,
 * `no_access`, `tampered`): {@link SessionError} carries it to the link-error page.
 */
import { config } from "../embed/config";
import { adopt, csrfToken, endSession, SessionError, type SessionInfo, type SessionProblem } from "../embed/session";

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

async function problemOf(response: Response): Promise<SessionProblem | undefined> {
  try {
    return (await response.json()) as SessionProblem;
  } catch {
    return undefined;
  }
}

async function refused(response: Response, what: string): Promise<SessionError> {
  const problem = await problemOf(response);
  return new SessionError(problem?.detail ?? `${what} failed (${response.status})`, response.status, problem);
}

function send(url: string, method: "GET" | "POST", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  const csrf = csrfToken();
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  return fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
}

/** The app's own path (`/app`), also when the shell was opened as `/app/sign-in`. */
export function appPath(): string {
  return location.pathname.replace(/\/sign-in\/?$/, "") || "/";
}

/** Leave `/app/sign-in` for `/app`, keeping the query (`?entity=…`), so a reload resumes the session. */
export function settleUrl(): void {
  const path = appPath();
  if (path !== location.pathname) history.replaceState(history.state, "", path + location.search);
}

/** Open the session with the e-mailed link's token. */
export async function openWithToken(token: string): Promise<SessionInfo> {
  const response = await send(config.sessionUrl, "POST", { token });
  if (!response.ok) throw await refused(response, "Signing in");
  return adopt((await response.json()) as SessionInfo);
}

/** Resume the cookie session; null when there is none (401). */
export async function resume(): Promise<SessionInfo | null> {
  const response = await send(config.sessionUrl, "GET");
  if (response.status === 401) return null;
  if (!response.ok) throw await refused(response, "Opening the session");
  return adopt((await response.json()) as SessionInfo);
}

/** Ask for a sign-in link by e-mail. The answer is the same whether or not the address is known. */
export async function requestLink(email: string): Promise<void> {
  const response = await send(config.signInUrl ?? "/app/sign-in", "POST", { email });
  if (!response.ok) throw await refused(response, "Requesting a sign-in link");
}

export async function signOut(): Promise<void> {
  const response = await send(config.signOutUrl ?? "/app/sign-out", "POST");
  if (!response.ok && response.status !== 401) throw await refused(response, "Signing out");
  endSession({ reason: "signed_out" });
}
