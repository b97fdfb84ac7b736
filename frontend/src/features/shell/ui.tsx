/** Small shared pieces: loading, empty and error states, money, status badges, field errors, selects, form buttons. */
import type { UseQueryResult } from "@tanstack/react-query";
import { type InputHTMLAttributes, type ReactNode, useId } from "react";
import { ApiError, type FieldError } from "../../api/client";
import { describeError } from "../../api/errors";
import { useI18n, type MessageKey } from "../../i18n";

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("app.loading")}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  return (
    <div className="state state-error" role="alert">
      <p>{describeError(error, i18n)}</p>
      {onRetry && !(error instanceof ApiError && [403, 404].includes(error.status)) && (
        <button type="button" className="button" onClick={onRetry}>
          {i18n.t("app.retry")}
        </button>
      )}
    </div>
  );
}

export function Money({ amount, currency }: { amount: string | null | undefined; currency: string }) {
  const { money } = useI18n();
  return <span className="money">{money(amount, currency)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

const fieldErrorsOf = (error: unknown): FieldError[] => (error instanceof ApiError ? (error.problem.errors ?? []) : []);

/** Whether an error's `field` is `name` or inside it (`taxes` holds `taxes[0].rate`). */
const within = (field: string, name: string): boolean => field === name || field.startsWith(`${name}[`) || field.startsWith(`${name}.`);

/** The messages of a 422 for one field and what it holds. */
export function fieldError(error: unknown, name: string): string | undefined {
  const messages = fieldErrorsOf(error)
    .filter((e) => within(e.field, name))
    .map((e) => e.message);
  return messages.length ? messages.join("; ") : undefined;
}

/** A labelled input with its field error (a 422's `errors[].field`) right under it. */
export function Field({
  label,
  name,
  error,
  grow,
  ...input
}: { label: string; name: string; error: unknown; grow?: boolean } & Omit<InputHTMLAttributes<HTMLInputElement>, "name">) {
  const id = useId();
  const message = fieldError(error, name);
  return (
    <div className={grow ? "field grow" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={message ? `${id}-error` : undefined} {...input} />
      {message && (
        <span id={`${id}-error`} className="hint error">
          {message}
        </span>
      )}
    </div>
  );
}

/** A 422's field errors as a list; `shown` are the fields the form already shows next to their input. */
export function FieldErrors({ error, shown = [] }: { error: unknown; shown?: readonly string[] }) {
  const { t } = useI18n();
  const errors = fieldErrorsOf(error).filter((e) => !shown.some((name) => within(e.field, name)));
  if (!errors.length) return null;
  return (
    <div className="field-errors" role="alert">
      <p>{t("common.fieldErrors")}</p>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <code>{e.field}</code>: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A query's loading and error states, `empty` when `isEmpty` says so, else what `children` makes of its data. */
export function QueryResult<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

/** A labelled select of `options` (after any `children`, such as an "any" choice). */
export function SelectField<V extends string>({
  label,
  name,
  defaultValue,
  options,
  optionLabel,
  children,
}: {
  label: string;
  name: string;
  defaultValue: string;
  options: readonly V[];
  optionLabel: (option: V) => string;
  children?: ReactNode;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue}>
        {children}
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A form's submit button (`danger` for a destructive one) and its cancel. */
export function FormButtons({ label, disabled, danger, onCancel }: { label: string; disabled: boolean; danger?: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <button type="submit" className={danger ? "button danger" : "button primary"} disabled={disabled}>
        {label}
      </button>
      <button type="button" className="button subtle" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </div>
  );
}

export const today = (): string => new Date().toISOString().slice(0, 10);
