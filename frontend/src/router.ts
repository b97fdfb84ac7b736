/**
 * A small router over the shell's own URL: the view and its filters live in the search params
 * (`?entity=ent_…&view=invoices&status=paid&cursor=…`), so a deep link reproduces the view and the
 * shell stays one path (`/embed`). Every navigation is reported to the host (`navigate {view}`).
 */
import { useSyncExternalStore } from "react";
import { post } from "./embed/host";

/** Params that belong to the shell, not to a view: kept across navigations. */
const SHELL_PARAMS = ["entity"];
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let defaultView = "home";
export function setDefaultView(view: string | undefined | null): void {
  if (view) defaultView = view;
}

export interface RouteLocation {
  view: string;
  params: URLSearchParams;
  state: unknown;
}

let snapshotKey = "";
let snapshot: RouteLocation | null = null;

function read(): RouteLocation {
  const key = location.search;
  const state = history.state as unknown;
  if (snapshot && key === snapshotKey && snapshot.state === state) return snapshot;
  const params = new URLSearchParams(location.search);
  snapshotKey = key;
  snapshot = { view: params.get("view") || defaultView, params, state };
  return snapshot;
}

export const useLocation = (): RouteLocation => useSyncExternalStore(subscribe, read);
export const currentView = (): string => read().view;

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
  /** Report to the host (default true); false when the host itself asked for the navigation. */
  report?: boolean;
}

export function hrefFor(view: string, params: Record<string, string | null | undefined> = {}): string {
  const current = new URLSearchParams(location.search);
  const next = new URLSearchParams();
  for (const name of SHELL_PARAMS) {
    const value = current.get(name);
    if (value) next.set(name, value);
  }
  next.set("view", view);
  for (const [name, value] of Object.entries(params)) if (value) next.set(name, value);
  return `${location.pathname}?${next.toString()}`;
}

export function navigate(view: string, params: Record<string, string | null | undefined> = {}, options: NavigateOptions = {}): void {
  const href = hrefFor(view, params);
  if (options.replace) history.replaceState(options.state ?? null, "", href);
  else history.pushState(options.state ?? null, "", href);
  notify();
  if (options.report !== false) post("navigate", { view });
  window.scrollTo?.(0, 0);
}
