/** Toasts: short messages in a live region (errors are announced assertively). */
import { useSyncExternalStore } from "react";
import { useI18n } from "../i18n";
import { dismiss, snapshot, subscribe } from "./toast";

export function Toasts() {
  const { t } = useI18n();
  const items = useSyncExternalStore(subscribe, snapshot);
  const errors = items.filter((x) => x.kind === "error");
  const infos = items.filter((x) => x.kind === "info");
  // the live regions stay mounted (so additions are announced); each toast carries its own role
  return (
    <div className="toasts">
      <div aria-live="assertive" className="toast-region">
        {errors.map((x) => (
          <div key={x.id} role="alert" className="toast toast-error">
            <span>{x.text}</span>
            <button type="button" className="link" onClick={() => dismiss(x.id)} aria-label={t("common.dismiss")}>
              ×
            </button>
          </div>
        ))}
      </div>
      <div aria-live="polite" className="toast-region">
        {infos.map((x) => (
          <div key={x.id} role="status" className="toast">
            <span>{x.text}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
