/**
 * Boot: read the shell's config, take the one-use token from the URL fragment, open the session,
 * then render. Until the session exists the page shows a plain status line (no React needed).
 *
 * embed mode: the token (or one asked from the host) → `POST /embed/session` → the app.
 * app mode:   `#token=` → `POST sessionUrl` → the app, or the page saying why the link was refused;
 *             no token → `GET sessionUrl` (the cookie) → the app, or the sign-in page.
 */
import { createRoot } from "react-dom/client";
import "./styles.css";
import { App } from "./App";
import { config } from "./embed/config";
import { post, reportHeight } from "./embed/host";
import { openWithToken, resume, settleUrl } from "./app/session";
import { isAppMode } from "./embed/config";
import { SessionError, start, takeTokenFromUrl } from "./embed/session";
import { linkNotice, type Notice } from "./features/signin/notices";
import { I18nProvider, loadLocale, makeI18n, pickLocale } from "./i18n";
import { setDefaultView } from "./router";
import { applyTheme } from "./theme";

const root = document.getElementById("root")!;
const locale = pickLocale(new URLSearchParams(location.search).get("locale") ?? config.locale);
// the language's texts are a chunk of their own: loaded beside the session, awaited before anything is said
const texts = loadLocale(locale).catch(() => undefined);
const t = (key: "app.signingIn" | "app.sessionFailed") => makeI18n(locale).t(key);
let rendered = false;

applyTheme(config.branding);
setDefaultView(config.view);
reportHeight();

function status(text: string, failed = false): void {
  root.replaceChildren();
  const p = document.createElement("p");
  p.className = failed ? "state state-error boot" : "state boot";
  p.setAttribute("role", failed ? "alert" : "status");
  p.textContent = text;
  root.appendChild(p);
}

void texts.then(() => {
  if (!rendered) status(t("app.signingIn"));
});

async function renderApp(): Promise<void> {
  await texts;
  rendered = true;
  root.replaceChildren();
  createRoot(root).render(<App initialLocale={locale} />);
}

async function renderSignIn(notice?: Notice): Promise<void> {
  const [{ default: SignInPage }] = await Promise.all([import("./features/signin/SignInPage"), texts]);
  rendered = true;
  root.replaceChildren();
  createRoot(root).render(
    <I18nProvider locale={locale}>
      <SignInPage notice={notice} />
    </I18nProvider>,
  );
}

async function failed(error: Error): Promise<void> {
  await texts;
  rendered = true;
  status(`${t("app.sessionFailed")}: ${error.message}`, true);
  post("error", { message: error.message });
}

async function bootApp(): Promise<void> {
  const token = takeTokenFromUrl();
  try {
    const session = token ? await openWithToken(token) : await resume();
    settleUrl();
    if (session) await renderApp();
    else await renderSignIn();
  } catch (error) {
    if (token && error instanceof SessionError && error.status === 401) {
      await renderSignIn(linkNotice(error.problem?.code, error.problem?.detail));
    } else await failed(error as Error);
  }
}

if (isAppMode()) {
  // another link pasted into this tab changes only the fragment (no page load): start over with it
  window.addEventListener("hashchange", () => {
    if (/(^#|&)token=/.test(location.hash)) location.reload();
  });
  void bootApp();
}
else start().then(renderApp).catch(failed);
