/**
 * The dashboard's texts: `locales/ui/<language>.json` at the repository root, the same kind of file as the
 * server's document and e-mail texts (flat keys, `{name}` placeholders). English is the reference: its keys are
 * `MessageKey`, and a language missing one of them does not type-check. The UI speaks the documents' seven
 * languages; any other locale falls back to English (`pickLocale`).
 */
import de from "../../../locales/ui/de.json";
import en from "../../../locales/ui/en.json";
import es from "../../../locales/ui/es.json";
import fr from "../../../locales/ui/fr.json";
import hr from "../../../locales/ui/hr.json";
import it from "../../../locales/ui/it.json";
import sl from "../../../locales/ui/sl.json";

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

/** The UI languages, in the order the documents list them (invoicing/core/locales.py SUPPORTED_LANGUAGES). */
export const SUPPORTED = ["en", "de", "sl", "fr", "it", "es", "hr"] as const;
export type Language = (typeof SUPPORTED)[number];

export const catalogues: Record<Language, Messages> = { en, de, sl, fr, it, es, hr };
