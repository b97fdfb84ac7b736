// @vitest-environment jsdom
/**
 * Where the toasts float when embedded: at the bottom of the part of the iframe the host page shows, also
 * after the iframe grew below the fold (the host then sends no new viewport: the part it shows is the same).
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";

const HOST = "https://host.example";
let host: Window;

beforeEach(() => {
  const frame = document.createElement("iframe");
  document.body.append(frame);
  host = frame.contentWindow!;
  Object.defineProperty(window, "parent", { value: host, configurable: true });
  Object.defineProperty(document, "referrer", { value: `${HOST}/platform`, configurable: true });
  vi.resetModules();
});

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.style.removeProperty("--folio-toast-offset");
});

function resizeTo(height: number) {
  Object.defineProperty(window, "innerHeight", { value: height, configurable: true });
  window.dispatchEvent(new Event("resize"));
}

it("keeps the toasts at the host's fold when the iframe grows below it", async () => {
  const { followHostViewport } = await import("./host");
  const root = document.documentElement;
  resizeTo(1500);
  const stop = followHostViewport(root);
  window.dispatchEvent(
    new MessageEvent("message", { data: { folio: 1, type: "viewport", top: 0, bottom: 800 }, origin: HOST, source: host }),
  );
  expect(root.style.getPropertyValue("--folio-toast-offset")).toBe("700px");

  resizeTo(1561); // a toast's reserved room grew the iframe; the shown part is still 0..800

  expect(root.style.getPropertyValue("--folio-toast-offset")).toBe("761px");
  stop();
  resizeTo(1600);
  expect(root.style.getPropertyValue("--folio-toast-offset")).toBe("761px");
});

it("ignores messages that are not the host's", async () => {
  const { followHostViewport } = await import("./host");
  const root = document.documentElement;
  resizeTo(1000);
  const stop = followHostViewport(root);
  window.dispatchEvent(
    new MessageEvent("message", {
      data: { folio: 1, type: "viewport", top: 0, bottom: 100 },
      origin: "https://elsewhere.example",
      source: host,
    }),
  );
  resizeTo(1200);
  expect(root.style.getPropertyValue("--folio-toast-offset")).toBe("");
  stop();
});
