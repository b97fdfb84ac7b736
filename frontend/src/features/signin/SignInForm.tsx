/** The form that e-mails a sign-in link. */
import { type FormEvent, useState } from "react";
import { requestLink } from "../../app/session";
import { useI18n } from "../../i18n";

export function SignInForm({ heading }: { heading?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ status: "idle" | "sending" | "sent" | "failed"; email?: string; error?: string }>({ status: "idle" });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    if (!email) return;
    setState({ status: "sending", email });
    requestLink(email).then(
      () => setState({ status: "sent", email }),
      (error: Error) => setState({ status: "failed", email, error: error.message }),
    );
  };
  if (state.status === "sent")
    return (
      <p className="state" role="status">
        {t("signin.sent", { email: state.email ?? "" })}
      </p>
    );
  return (
    <form className="panel signin-form" onSubmit={submit} aria-label={heading ?? t("signin.title")}>
      {heading && <h2>{heading}</h2>}
      <p>{t("signin.intro")}</p>
      {state.status === "failed" && (
        <p className="state state-error" role="alert">
          {state.error}
        </p>
      )}
      <label>
        {t("signin.email")}
        <input name="email" type="email" autoComplete="email" required defaultValue={state.email} />
      </label>
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={state.status === "sending"}>
          {state.status === "sending" ? t("signin.sending") : t("signin.submit")}
        </button>
      </div>
    </form>
  );
}
