/** A failed query's message (in the error policy's words) with a retry for what a retry can cure. */
import { ApiError } from "../api/client";
import { describeError } from "../api/errors";
import { useI18n } from "../i18n";

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
