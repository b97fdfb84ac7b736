/** Toasts: short messages in a live region (errors are announced assertively), each with a dismiss button.
 * They sit at the bottom right (across the bottom on a phone), clear of the menu; embedded, at the bottom of
 * the part of the iframe the host page shows (`--folio-toast-offset`, see `embed/host.ts`). */
import { useEffect, useSyncExternalStore } from "react";
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
  useEffect(() => followHostViewport(), []);
  // the live regions stay mounted (so additions are announced); each toast carries its own role
  return (
    <div className="toasts">
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
