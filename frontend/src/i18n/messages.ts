/**
 * The dashboard's texts: `locales/ui/<language>.json` at the repository root, the same kind of file as the
 * server's document and e-mail texts (flat keys, `{name}` placeholders). English is the reference: its keys are
 * `MessageKey`, and `i18n.test.ts` checks every language has exactly English's keys. The UI speaks the documents'
 * seven languages; any other locale falls back to English (`pickLocale`).
 *
 * Each language is its own chunk, loaded when the dashboard first speaks it (`loadLanguage`): the initial
 * JavaScript carries none of the seven catalogues.
 */
import type english from "../../../locales/ui/en.json";

export type MessageKey = keyof typeof english;
export type Messages = Record<MessageKey, string>;

/** The UI languages, in the order the documents list them (invoicing/core/locales.py SUPPORTED_LANGUAGES). */
export const SUPPORTED = ["en", "de", "sl", "fr", "it", "es", "hr"] as const;
export type Language = (typeof SUPPORTED)[number];

const files: Record<Language, () => Promise<{ default: Messages }>> = {
  en: () => import("../../../locales/ui/en.json"),
  de: () => import("../../../locales/ui/de.json"),
  sl: () => import("../../../locales/ui/sl.json"),
  fr: () => import("../../../locales/ui/fr.json"),
  it: () => import("../../../locales/ui/it.json"),
  es: () => import("../../../locales/ui/es.json"),
  hr: () => import("../../../locales/ui/hr.json"),
};
const loaded = new Map<Language, Messages>();
const loading = new Map<Language, Promise<Messages>>();

/** A language's texts once loaded (`loadLanguage`), else `undefined`. */
export const catalogue = (language: Language): Messages | undefined => loaded.get(language);

/** Load a language's texts (once; concurrent callers share the request). */
export function loadLanguage(language: Language): Promise<Messages> {
  const done = loaded.get(language);
  if (done) return Promise.resolve(done);
  let pending = loading.get(language);
  if (!pending) {
    pending = files[language]().then(({ default: messages }) => {
      loaded.set(language, messages);
      return messages;
    });
    pending.catch(() => loading.delete(language));
    loading.set(language, pending);
  }
  return pending;
}
