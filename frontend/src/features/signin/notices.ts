/** What the signed-out page says: a refused sign-in link by its problem `code`, or why the session ended. */
import type { SessionEnd } from "../../embed/session";
import type { MessageKey } from "../../i18n";

const LINK_CODES = ["used", "expired", "revoked", "no_access", "tampered"];

export interface Notice {
  title: MessageKey;
  text: MessageKey;
  /** the server's own words (problem `detail`), shown under ours */
  detail?: string;
}

/** What a refused sign-in link's problem `code` means, in the user's words. */
export function linkNotice(code: string | undefined, detail?: string): Notice {
  const known = code && LINK_CODES.includes(code) ? code : "unknown";
  return { title: `link.${known}.title` as MessageKey, text: `link.${known}.text` as MessageKey, detail };
}

export function endedNotice(end: SessionEnd): Notice {
  return { title: `ended.${end.reason}.title` as MessageKey, text: `ended.${end.reason}.text` as MessageKey, detail: end.detail };
}
