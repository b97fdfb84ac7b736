/** Small shared pieces: loading, empty and error states, money, status badges, field errors. */
import type { ReactNode } from "react";
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

export function FieldErrors({ error }: { error: unknown }) {
  const { t } = useI18n();
  const errors: FieldError[] = error instanceof ApiError ? (error.problem.errors ?? []) : [];
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

export const today = (): string => new Date().toISOString().slice(0, 10);
