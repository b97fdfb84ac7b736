/** Readable names for audit actions (`invoice.issued` → "Invoice issued"), and the action filter's choices. */
import type { I18n, MessageKey } from "../../i18n";
import type { AuditEntry } from "./api";

/** The filter's groups (`invoice.*`) and, under each, the exact actions. */
export const ACTION_GROUPS: [string, string[]][] = [
  ["invoice", ["invoice.created", "invoice.updated", "invoice.deleted", "invoice.issued", "invoice.paid", "invoice.voided", "invoice.credited"]],
  ["credit_note", ["credit_note.issued"]],
  ["payment", ["payment.created", "payment.deleted"]],
  ["refund", ["refund.created"]],
  ["customer", ["customer.created", "customer.updated", "customer.deleted", "customer.vat_number_invalid"]],
  ["item", ["item.created", "item.updated", "item.deleted"]],
  ["entity", ["entity.updated"]],
  ["entity_user", ["entity_user.created", "entity_user.invited", "entity_user.invitation_revoked", "entity_user.accepted",
    "entity_user.signed_in", "entity_user.updated", "entity_user.removed"]],
  ["email", ["email.captured", "email.queued", "email.sent", "email.failed"]],
];

/** The action's name; a member's update that changed the role reads as a role change, a second invitation as one. */
export function actionLabel({ t }: I18n, action: string, data?: Record<string, unknown>): string {
  let name = action;
  if (action === "entity_user.updated" && data?.role) name = "entity_user.role_changed";
  if (action === "entity_user.invited" && data?.resent) name = "entity_user.invitation_resent";
  const key = `action.${name}` as MessageKey;
  const text = t(key);
  return text === key ? action : text;
}

export function groupLabel({ t }: I18n, group: string): string {
  const key = `audit.group.${group}` as MessageKey;
  const text = t(key);
  return text === key ? group : text;
}

/** Who: the user's e-mail, the API key's id, or Folio itself. */
export function actorLabel({ t }: I18n, actor: AuditEntry["actor"]): string {
  if (actor.type === "user") return actor.email ?? t("audit.actorUser", { id: actor.id ?? "?" });
  if (actor.type === "key") return t("audit.actorKey", { id: actor.id ?? "?" });
  return t("audit.actorSystem");
}

const ROLES = new Set(["admin", "editor", "viewer"]);

/** The few facts of an entry's data worth a glance: the member's role, a void's reason, a payment's amount (formatted), … */
export function details(i18n: I18n, entry: AuditEntry): string {
  const { t } = i18n;
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const str = (name: string) => (typeof data[name] === "string" || typeof data[name] === "number" ? String(data[name]) : null);
  for (const name of ["number", "email", "to", "reason"]) {
    const value = str(name);
    // the object's label already says it (a number, an e-mail)
    if (value && value !== entry.label) parts.push(value);
  }
  const amount = str("amount");
  if (amount) parts.push(entry.currency ? i18n.money(amount, entry.currency) : i18n.number(amount));
  const role = str("role");
  if (role) parts.push(t("audit.roleTo", { role: ROLES.has(role) ? t(`role.${role}` as MessageKey) : role }));
  if (Array.isArray(data.fields)) parts.push(data.fields.join(", "));
  return parts.join(" · ");
}

/** The in-app view of an entry's object, if it has one (a document that still exists). */
export function objectView(entry: AuditEntry): string | null {
  if (entry.action.endsWith(".deleted")) return null;
  if (entry.object_type === "invoice") return `invoice/${entry.object_id}`;
  if (entry.object_type === "credit_note") return `credit-note/${entry.object_id}`;
  return null;
}
