/** A 422's `errors[]`: which belong to a field (and what it holds). */
import { ApiError, type FieldError } from "../api/client";

export const fieldErrorsOf = (error: unknown): FieldError[] => (error instanceof ApiError ? (error.problem.errors ?? []) : []);

/** Whether an error's `field` is `name` or inside it (`taxes` holds `taxes[0].rate`). */
export const within = (field: string, name: string): boolean => field === name || field.startsWith(`${name}[`) || field.startsWith(`${name}.`);

/** The messages of a 422 for one field and what it holds. */
export function fieldError(error: unknown, name: string): string | undefined {
  const messages = fieldErrorsOf(error)
    .filter((e) => within(e.field, name))
    .map((e) => e.message);
  return messages.length ? messages.join("; ") : undefined;
}
