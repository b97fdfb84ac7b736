// @vitest-environment jsdom
/**
 * The embed session against a fake host (an iframe's window standing in for `window.parent`) and a fetch
 * double at the network boundary; timers and the clock are fake, so renewal is checked at the exact boundary.
 */
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from "vitest";

type Session = typeof import("./session");

const HOST = "https://host.example";
const NOW = new Date("2026-03-01T12:00:00Z");
const MINUTE = 60_000;

let host: Window;
let sent: Record<string, unknown>[];
let fetchDouble: Mock<typeof fetch>;
let session: Session;
let listeners: [string, EventListenerOrEventListenerObject][];

const reply = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));

function granted(token: string, lifetime: number) {
  return {
    session_token: token,
    expires_at: new Date(Date.now() + lifetime).toISOString(),
    user: { id: "usr_1", email: "ann@example.com", role: "editor" },
    entity: { id: "ent_1", name: "Acme" },
    role: "editor",
    permissions: ["documents:read", "documents:write"],
    origin: HOST,
  };
}

const fromHost = (data: unknown, { origin = HOST, source = host as MessageEventSource } = {}) =>
  window.dispatchEvent(new MessageEvent("message", { data, origin, source }));
const posted = (type: string) => sent.filter((m) => m.type === type);
const exchangedTokens = () => fetchDouble.mock.calls.map(([, init]) => JSON.parse(String(init?.body)).token as string);

beforeEach(async () => {
  vi.useFakeTimers({ now: NOW });
  const frame = document.createElement("iframe");
  document.body.append(frame);
  host = frame.contentWindow!;
  Object.defineProperty(window, "parent", { value: host, configurable: true });
  sent = [];
  vi.spyOn(host, "postMessage").mockImplementation((message: unknown, target?: unknown) => {
    sent.push({ ...(message as Record<string, unknown>), target });
  });
  fetchDouble = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", fetchDouble);
  listeners = [];
  const add = window.addEventListener.bind(window);
  vi.spyOn(window, "addEventListener").mockImplementation((type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) => {
    listeners.push([type, listener]);
    add(type, listener, options);
  });
  history.replaceState(null, "", "/embed?entity=ent_1#token=one-use");
  vi.resetModules();
  session = await import("./session");
});

afterEach(() => {
  for (const [type, listener] of listeners) window.removeEventListener(type, listener);
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe("token exchange", () => {
  it("exchanges the URL fragment's one-use token for a session token and takes the token out of the URL", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10 * MINUTE)));
    const info = await session.start();

    expect(fetchDouble).toHaveBeenCalledTimes(1);
    const [url, init] = fetchDouble.mock.calls[0];
    expect(url).toBe("/embed/session");
    expect(init).toMatchObject({ method: "POST", credentials: "omit" });
    expect(JSON.parse(String(init?.body))).toEqual({ token: "one-use" });
    expect(info.entity.name).toBe("Acme");
    expect(session.sessionToken()).toBe("sess-1");
    expect(session.can("documents:write")).toBe(true);
    expect(location.hash).toBe("");
    expect(location.search).toBe("?entity=ent_1");
  });

  it("a refused token is a SessionError carrying the BFF's status and reason", async () => {
    fetchDouble.mockReturnValueOnce(reply(401, { status: 401, title: "Unauthorized", detail: "This link was already used.", code: "used" }));
    const error = await session.start().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(session.SessionError);
    expect(error).toMatchObject({ status: 401, message: "This link was already used.", problem: { code: "used" } });
    expect(session.getSession()).toBeNull();
  });

  it("tells the host it is ready with the session's expiry, at the host's origin only", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10 * MINUTE)));
    await session.start();
    session.announceReady();

    expect(sent).toEqual([{ folio: 1, type: "ready", expires_at: "2026-03-01T12:10:00.000Z", target: HOST }]);
  });
});

describe("renewal", () => {
  it("asks the host for a token 15 s before expiry, exchanges it and reports the new expiry", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10 * MINUTE)));
    await session.start();

    await vi.advanceTimersByTimeAsync(10 * MINUTE - 15_000 - 1);
    expect(posted("token:request")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted("token:request")).toEqual([{ folio: 1, type: "token:request", target: HOST }]);

    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-2", 10 * MINUTE)));
    fromHost({ folio: 1, type: "token", token: "fresh" });
    await vi.waitFor(() => expect(session.sessionToken()).toBe("sess-2"));

    expect(exchangedTokens()).toEqual(["one-use", "fresh"]);
    await vi.waitFor(() => expect(posted("session")).toEqual([{ folio: 1, type: "session", expires_at: "2026-03-01T12:19:45.000Z", target: HOST }]));
    // the next renewal is scheduled from the new expiry
    await vi.advanceTimersByTimeAsync(10 * MINUTE - 15_000);
    expect(posted("token:request")).toHaveLength(2);
  });

  it("renews a short session at half its lifetime", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10_000)));
    await session.start();

    await vi.advanceTimersByTimeAsync(4_999);
    expect(posted("token:request")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted("token:request")).toHaveLength(1);
  });

  it("is single-flight: callers that need a token at once share one request to the host", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10 * MINUTE)));
    await session.start();

    const first = session.renew();
    const second = session.renew();
    expect(posted("token:request")).toHaveLength(1);

    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-2", 10 * MINUTE)));
    fromHost({ folio: 1, type: "token", token: "fresh" });
    const [a, b] = await Promise.all([first, second]);
    expect(a.session_token).toBe("sess-2");
    expect(b).toBe(a);
    expect(fetchDouble).toHaveBeenCalledTimes(2);
  });

  it("stops renewing once the session has ended", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", MINUTE)));
    await session.start();
    session.endSession({ reason: "refused", detail: "You no longer have access." });

    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(posted("token:request")).toHaveLength(0);
    expect(session.sessionEnd()).toEqual({ reason: "refused", detail: "You no longer have access." });
    expect(session.can("documents:read")).toBe(false);
  });
});

describe("host messages", () => {
  beforeEach(async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-1", 10 * MINUTE)));
    await session.start();
  });

  it("ignores a token from another origin, from another window, or in another protocol version", async () => {
    fromHost({ folio: 1, type: "token", token: "evil" }, { origin: "https://evil.example" });
    fromHost({ folio: 1, type: "token", token: "self" }, { source: window });
    fromHost({ folio: 2, type: "token", token: "future" });
    fromHost({ folio: 1, type: "token", token: 42 });
    await vi.advanceTimersByTimeAsync(0);

    expect(exchangedTokens()).toEqual(["one-use"]);
    expect(session.sessionToken()).toBe("sess-1");
  });

  it("takes an unsolicited fresh token from the host and reports the new session", async () => {
    fetchDouble.mockReturnValueOnce(reply(201, granted("sess-2", 20 * MINUTE)));
    fromHost({ folio: 1, type: "token", token: "pushed" });

    await vi.waitFor(() => expect(posted("session")).toHaveLength(1));
    expect(exchangedTokens()).toEqual(["one-use", "pushed"]);
    expect(session.sessionToken()).toBe("sess-2");
  });

  it("a role change from GET /v1/me shows at once; the same facts change nothing", async () => {
    const before = session.getSession();
    session.updateAccess({ user: before!.user, entity: before!.entity, role: "editor", permissions: ["documents:read", "documents:write"] });
    expect(session.getSession()).toBe(before);

    session.updateAccess({ user: { ...before!.user, role: "viewer" }, entity: { id: "ent_1" }, role: "viewer", permissions: ["documents:read"] });
    expect(session.getSession()?.role).toBe("viewer");
    expect(session.can("documents:write")).toBe(false);
    expect(session.getSession()?.entity.name).toBe("Acme");
  });
});
