/** The API bodies of an estimate's draft: the invoice draft's (`../invoices/draft.ts`) with `valid_until` instead of a due date. */
import type { Schemas } from "../../api/client";
import { type DraftState, draftBody, draftChanges } from "../invoices/draft";

/** The body of `POST /v1/estimates` for `draft`. */
export function estimateBody(draft: DraftState): Schemas["EstimateCreate"] {
  const { date_due: _due, paid: _paid, ...body } = draftBody(draft);
  return { ...body, valid_until: draft.validUntil || null };
}

/** The body of `PATCH /v1/estimates/{id}` for `draft`. */
export function estimateChanges(draft: DraftState): Schemas["EstimateUpdate"] {
  const { date_due: _due, ...changes } = draftChanges(draft);
  return { ...changes, ...(draft.validUntil ? { valid_until: draft.validUntil } : {}) };
}
