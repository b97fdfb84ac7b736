import { QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useEffect, useState } from "react";
import { createQueryClient, setErrorLanguage } from "./api/errors";
import { onHostMessage } from "./embed/host";
import { announceReady } from "./embed/session";
import { I18nProvider, makeI18n, pickLocale, useI18n } from "./i18n";
import { Layout } from "./features/shell/Layout";
import { Loading } from "./features/shell/ui";
import { navigate, useLocation } from "./router";
import { isKnownView, resolve } from "./routes";
import { applyTheme } from "./theme";

const queryClient = createQueryClient();

function Screen() {
  const { view } = useLocation();
  return <Suspense fallback={<Loading />}>{resolve(view)}</Suspense>;
}

function ErrorLanguage() {
  const i18n = useI18n();
  useEffect(() => setErrorLanguage(i18n), [i18n]);
  return null;
}

export function App({ initialLocale }: { initialLocale: string }) {
  const [locale, setLocale] = useState(pickLocale(initialLocale));

  useEffect(() => {
    document.documentElement.lang = locale;
    setErrorLanguage(makeI18n(locale));
  }, [locale]);

  useEffect(() => {
    const stop = onHostMessage((message) => {
      if (message.type === "locale" && typeof message.locale === "string") setLocale(pickLocale(message.locale));
      else if (message.type === "theme" && message.theme && typeof message.theme === "object") applyTheme(message.theme);
      else if (message.type === "navigate" && typeof message.view === "string" && isKnownView(message.view))
        navigate(message.view, {}, { state: message.prefill ? { prefill: message.prefill } : null, report: false });
    });
    // only now: the host flushes its queued navigate/locale/theme messages when it hears "ready"
    announceReady();
    return stop;
  }, []);

  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider locale={locale}>
        <ErrorLanguage />
        <Layout>
          <Screen />
        </Layout>
      </I18nProvider>
    </QueryClientProvider>
  );
}
