/**
 * The dashboard's side of postMessage protocol v1 with the host SDK. Every message is
 * `{folio: 1, type, ...}`; we post to `window.parent` with the session's origin as target and accept
 * messages only from `window.parent` at that origin.
 *
 *   iframe → host: ready, session, resize, navigate, token:request, event, error
 *   host → iframe: token, navigate, locale, theme, viewport
 */
export const PROTOCOL = 1;

export type HostMessage =
  | { folio: 1; type: "token"; token: string }
  | { folio: 1; type: "navigate"; view: string; prefill?: Prefill }
  | { folio: 1; type: "locale"; locale: string }
  | { folio: 1; type: "theme"; theme: { primary_color?: string } }
  /** the part of the iframe the host page shows, in the iframe's pixels (it is as tall as the dashboard) */
  | { folio: 1; type: "viewport"; top: number; bottom: number };

export interface Prefill {
  customer?: { name?: string; email?: string; address?: string; city?: string; post_code?: string; country?: string };
  customer_id?: string;
  items?: { name?: string; quantity?: number | string; price?: number | string; discount?: number | string; taxes?: { rate: number | string; name?: string }[] }[];
  note?: string;
  currency_code?: string;
}

type Handler = (message: HostMessage) => void;

const embedded = typeof window !== "undefined" && window.parent !== window;
let hostOrigin: string | null = null;
const handlers = new Set<Handler>();

/** The parent's origin when the session does not name one: Chromium and WebKit expose the ancestors;
 * elsewhere the referrer of the iframe's navigation (the host page's origin under the default policy). */
function ancestorOrigin(): string | null {
  const origins = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (origins && origins.length) return origins[0];
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

/** Pin the host origin (from the session: the origin the embed token was minted for). */
export function setHostOrigin(origin: string | null | undefined): void {
  hostOrigin = origin || ancestorOrigin();
}

export const isEmbedded = (): boolean => embedded;

export function post(type: string, payload: Record<string, unknown> = {}): void {
  if (!embedded) return;
  const target = hostOrigin ?? ancestorOrigin();
  if (!target) return;
  window.parent.postMessage({ folio: PROTOCOL, type, ...payload }, target);
}

export function onHostMessage(handler: Handler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

if (embedded) {
  window.addEventListener("message", (event: MessageEvent) => {
    if (event.source !== window.parent) return;
    const expected = hostOrigin ?? ancestorOrigin();
    if (!expected || event.origin !== expected) return;
    const data = event.data as { folio?: unknown; type?: unknown } | null;
    if (!data || data.folio !== PROTOCOL || typeof data.type !== "string") return;
    for (const handler of handlers) handler(data as HostMessage);
  });
}

/** Keep what floats at the bottom of the window (the toasts) at the bottom of what the host page shows:
 * the iframe is as tall as the dashboard, so its own bottom edge may lie far below the host's fold. The offset
 * is worked out again when the iframe's height changes (a toast's reserved room grows it): the host sends a
 * new viewport only when the shown part moves, and that part's bottom stays where it was as the iframe grows
 * below the fold. */
export function followHostViewport(root: HTMLElement = document.documentElement): () => void {
  let bottom: number | null = null;
  const place = () => {
    if (bottom === null) return;
    const offset = Math.max(0, Math.round(window.innerHeight - bottom));
    root.style.setProperty("--folio-toast-offset", `${offset}px`);
  };
  const stop = onHostMessage((message) => {
    if (message.type !== "viewport" || !Number.isFinite(message.bottom)) return;
    bottom = message.bottom;
    place();
  });
  window.addEventListener("resize", place);
  return () => {
    stop();
    window.removeEventListener("resize", place);
  };
}

/** Report the document's height whenever it changes, so the iframe grows and shrinks with it. */
export function reportHeight(root: HTMLElement = document.body): () => void {
  if (!embedded || typeof ResizeObserver === "undefined") return () => undefined;
  let last = -1;
  const send = () => {
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      post("resize", { height });
    }
  };
  const observer = new ResizeObserver(send);
  observer.observe(root);
  send();
  return () => observer.disconnect();
}
