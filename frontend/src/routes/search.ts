/**
 * What each list screen keeps in the URL's search params, and how each value is checked (`lib/search.ts`):
 * a value that fails falls back to the default (absent), so a bad deep link shows the unfiltered list.
 * Paging (`cursor`, `page`, `trail`) is added by `useListFilters`.
 */
import { cursor, isoDate, matching, oneOf, text } from "../lib/search";

export const INVOICE_STATUSES = ["draft", "issued", "partially_paid", "paid", "voided", "credited"] as const;

/** `?view=invoices` */
export const invoiceListSearch = { status: oneOf(INVOICE_STATUSES), date_from: isoDate, date_to: isoDate, search: text() };

export const ESTIMATE_STATUSES = ["draft", "issued", "accepted", "declined", "expired", "converted"] as const;

/** `?view=estimates` */
export const estimateListSearch = { status: oneOf(ESTIMATE_STATUSES), date_from: isoDate, date_to: isoDate, search: text() };

/** `?view=audit`: an action (`invoice.issued`) or a group of them (`entity_user.*`), an object's id, an actor. */
export const auditLogSearch = {
  action: matching(/^[a-z_]+\.(\*|[a-z_]+)$/),
  date_from: isoDate,
  date_to: isoDate,
  object_id: cursor,
  actor: text(),
};

/** `?view=customers`, `?view=items` */
export const recordsSearch = { search: text() };

/** `?view=reports`: the VAT summary's period (this month when absent). */
export const reportSearch = { date_from: isoDate, date_to: isoDate };
