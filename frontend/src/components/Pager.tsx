/** The page number and the previous / next buttons of a cursor-paged list. */
import { useI18n } from "../i18n";

export function Pager({
  page,
  next,
  onPrevious,
  onNext,
}: {
  page: number;
  next: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t("invoices.page", { page })}>
      <span>{t("invoices.page", { page })}</span>
      {page > 1 && (
        <button type="button" className="button subtle" onClick={onPrevious}>
          {t("common.previous")}
        </button>
      )}
      {next && (
        <button type="button" className="button subtle" onClick={() => onNext(next)}>
          {t("common.next")}
        </button>
      )}
    </nav>
  );
}
