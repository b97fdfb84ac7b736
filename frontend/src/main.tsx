/**
 * Boot: read the shell's config, take the one-use token from the URL fragment, open the session,
 * then render. Until the session exists the page shows a plain status line (no React needed).
 */
import { createRoot } from "react-dom/client";
import "./styles.css";
import { App } from "./App";
import { config } from "./embed/config";
import { post, reportHeight } from "./embed/host";
import { start } from "./embed/session";
import { makeI18n, pickLocale } from "./i18n";
import { setDefaultView } from "./router";
import { applyTheme } from "./theme";

const root = document.getElementById("root")!;
const locale = pickLocale(new URLSearchParams(location.search).get("locale") ?? config.locale);
const { t } = makeI18n(locale);

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

status(t("app.signingIn"));

start()
  .then(() => {
    root.replaceChildren();
    createRoot(root).render(<App initialLocale={locale} />);
  })
  .catch((error: Error) => {
    status(`${t("app.sessionFailed")}: ${error.message}`, true);
    post("error", { message: error.message });
  });
