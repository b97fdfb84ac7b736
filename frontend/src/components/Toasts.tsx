/** Toasts: short messages in a live region (errors are announced assertively), each with a dismiss button.
 * They sit at the bottom right (across the bottom on a phone), clear of the menu; embedded, at the bottom of
 * the part of the iframe the host page shows (`--folio-toast-offset`, see `embed/host.ts`). While any shows, the
 * page keeps that much room below its content (`--folio-toasts-space`), so its last buttons are never under one. */
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from "react";
import { followHostViewport } from "../embed/host";
import { useI18n } from "../i18n";
import { dismiss, snapshot, subscribe, type Toast } from "./toast";

function Item({ toast }: { toast: Toast }) {
  const { t } = useI18n();
  return (
    <div role={toast.kind === "error" ? "alert" : "status"} className={toast.kind === "error" ? "toast toast-error" : "toast"}>
      <span>{toast.text}</span>
      <button type="button" className="link toast-dismiss" onClick={() => dismiss(toast.id)} aria-label={t("common.dismiss")}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const items = useSyncExternalStore(subscribe, snapshot);
  const stack = useRef<HTMLDivElement>(null);
  useEffect(() => followHostViewport(), []);
  useLayoutEffect(() => {
    const element = stack.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const root = document.documentElement;
    const reserve = () => {
      // the stack and its margin (not the host's offset: that would grow the iframe, and the offset with it)
      const height = element.getBoundingClientRect().height;
      root.style.setProperty("--folio-toasts-space", height ? `${Math.ceil(height) + 24}px` : "0px");
    };
    const observer = new ResizeObserver(reserve);
    observer.observe(element);
    reserve();
    return () => {
      observer.disconnect();
      root.style.removeProperty("--folio-toasts-space");
    };
  }, []);
  // the live regions stay mounted (so additions are announced); each toast carries its own role
  return (
    <div className="toasts" ref={stack}>
      <div aria-live="assertive" className="toast-region">
        {items
          .filter((x) => x.kind === "error")
          .map((x) => (
            <Item key={x.id} toast={x} />
          ))}
      </div>
      <div aria-live="polite" className="toast-region">
        {items
          .filter((x) => x.kind === "info")
          .map((x) => (
            <Item key={x.id} toast={x} />
          ))}
      </div>
    </div>
  );
}
