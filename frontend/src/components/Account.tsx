/** App mode: who is signed in, and the way out. */
import { useState } from "react";
import { signOut } from "../app/session";
import { useI18n } from "../i18n";
import { toast } from "./toast";

/** App mode: who is signed in, and the way out. */
export function Account({ email }: { email: string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  return (
    <div className="account">
      {email && <span className="muted">{t("app.signedInAs", { email })}</span>}
      <button
        type="button"
        className="button subtle"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          signOut()
            .catch((error: Error) => toast(error.message, "error"))
            .finally(() => setBusy(false));
        }}
      >
        {t("app.signOut")}
      </button>
    </div>
  );
}
