import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { refreshAccess } from "./api/client";
import { createQueryClient, useErrorPolicy } from "./api/errors";
import { onHostMessage } from "./embed/host";
import { announceReady, useSession, useSessionEnd } from "./embed/session";
import { I18nProvider, loadLocale, pickLocale } from "./i18n";
import { endedNotice } from "./features/signin/notices";
import { navigate, useLocation } from "./router";
import { isKnownView, resolve } from "./routes";
import { applyTheme } from "./theme";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Loading";
import { ScreenBoundary } from "./components/ScreenBoundary";

const queryClient = createQueryClient();
const SignInPage = lazy(() => import("./features/signin/SignInPage"));

function Screen() {
  const { view } = useLocation();
  // re-render the screen when the role changes (a promotion shows its actions at once)
  useSession();
  // the role may have changed since the last look: re-read it on every navigation
  useEffect(() => void refreshAccess(), [view]);
  return (
    <ScreenBoundary key={view}>
      <Suspense fallback={<Loading />}>{resolve(view)}</Suspense>
    </ScreenBoundary>
  );
}

/** The session ended while the dashboard was open: say why (and, in app mode, offer a new sign-in link). */
function Ended() {
  const end = useSessionEnd();
  useEffect(() => {
    if (end) queryClient.clear();
  }, [end]);
  if (!end) return null;
  return (
    <Suspense fallback={<Loading />}>
      <SignInPage notice={endedNotice(end)} />
    </Suspense>
  );
}

/** The error policy, speaking the UI's language (`api/errors.ts`). */
function ErrorPolicy() {
  useErrorPolicy(queryClient);
  return null;
}

export function App({ initialLocale }: { initialLocale: string }) {
  const [locale, setLocale] = useState(pickLocale(initialLocale));

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    const stop = onHostMessage((message) => {
      if (message.type === "locale" && typeof message.locale === "string") {
        const next = pickLocale(message.locale);
        // speak it once its texts have loaded (a chunk of their own)
        void loadLocale(next).then(() => setLocale(next), () => setLocale(next));
      }
      else if (message.type === "theme" && message.theme && typeof message.theme === "object") applyTheme(message.theme);
      else if (message.type === "navigate" && typeof message.view === "string" && isKnownView(message.view))
        navigate(message.view, {}, { state: message.prefill ? { prefill: message.prefill } : null, report: false });
    });
    // only now: the host flushes its queued navigate/locale/theme messages when it hears "ready"
    announceReady();
    const focused = () => void refreshAccess();
    window.addEventListener("focus", focused);
    return () => {
      stop();
      window.removeEventListener("focus", focused);
    };
  }, []);

  const end = useSessionEnd();

  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider locale={locale}>
        <ErrorPolicy />
        {end ? (
          <Ended />
        ) : (
          <Layout>
            <Screen />
          </Layout>
        )}
      </I18nProvider>
    </QueryClientProvider>
  );
}
