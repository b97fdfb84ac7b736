/**
 * The standalone dashboard's signed-out pages: sign in (no session), a refused e-mailed link (used, expired,
 * revoked, …) and a session that ended while open (removed, expired, signed out). Each says what happened
 * and, in app mode, offers the form that e-mails a new sign-in link.
 */
import { config, isAppMode } from "../../embed/config";
import { useI18n } from "../../i18n";
import type { Notice } from "./notices";
import { SignInForm } from "./SignInForm";

export default function SignInPage({ notice }: { notice?: Notice }) {
  const { t } = useI18n();
  const name = config.entityName;
  return (
    <main className="signin" aria-labelledby="signin-title">
      {name && <p className="brand-name">{name}</p>}
      {notice ? (
        <>
          <h1 id="signin-title">{t(notice.title)}</h1>
          <div className="state state-error" role="alert">
            <p>{t(notice.text)}</p>
            {notice.detail && <p className="muted">{notice.detail}</p>}
          </div>
        </>
      ) : (
        <h1 id="signin-title">{t("signin.title")}</h1>
      )}
      {isAppMode() && <SignInForm heading={notice ? t("signin.newLink") : undefined} />}
    </main>
  );
}
