/**
 * What the API will accept for an invoice in its state, so the dashboard offers only that (the API still
 * decides; a refusal is shown in words by the error policy).
 */
import type { Invoice } from "../../api/client";

type State = Pick<Invoice, "status" | "total_paid" | "total_credited" | "credit_note_ids">;

/** Void: only an issued invoice on which nothing was paid and nothing credited (not a draft, not paid). */
export const canVoid = (invoice: State): boolean =>
  invoice.status === "issued" &&
  Number(invoice.total_paid) === 0 &&
  Number(invoice.total_credited) === 0 &&
  invoice.credit_note_ids.length === 0;

/** Send by e-mail: a document with a number that is not voided. */
export const canSend = (doc: { status: string }): boolean => doc.status !== "draft" && doc.status !== "voided";
