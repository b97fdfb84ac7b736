/**
 * The dashboard's texts: `locales/ui/<language>.json` at the repository root, the same kind of file as the
 * server's document and e-mail texts (flat keys, `{name}` placeholders). English is the reference: its keys are
 * `MessageKey`, and a language missing one of them does not type-check.
 */
import de from "../../../locales/ui/de.json";
import en from "../../../locales/ui/en.json";
import sl from "../../../locales/ui/sl.json";

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

export const catalogues: Record<string, Messages> = { en, de, sl };
export const SUPPORTED = Object.keys(catalogues);
