/** The audit log (admins): who did what to which object and when; filters and pagination live in the URL. */
import { type FormEvent } from "react";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { Link } from "../shell/Layout";
import { Empty, ErrorState, Loading } from "../shell/ui";
import { ACTION_GROUPS, actionLabel, actorLabel, details, groupLabel } from "./actions";
import { type AuditFilters, useAuditLog } from "./api";

const FILTERS = ["action", "date_from", "date_to", "object_id", "actor"] as const;
const VIEW = "audit";

function filtersFrom(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const cursor = params.get("cursor");
  if (cursor) filters.cursor = cursor;
  return filters;
}

export default function AuditLogPage() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const { params } = useLocation();
  const filters = filtersFrom(params);
  const page = Math.max(1, Number(params.get("page") || "1"));
  const cursors = (params.get("trail") || "").split(",").filter(Boolean);
  const query = useAuditLog(filters);
  const filtered = FILTERS.some((f) => filters[f]);
  const keep = Object.fromEntries(FILTERS.map((f) => [f, filters[f]]));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next[name] = value;
    }
    navigate(VIEW, next);
  };
  // the cursors of the pages before this one ("-" is the first page)
  const nextPage = (cursor: string) =>
    navigate(VIEW, { ...keep, cursor, page: String(page + 1), trail: [...cursors, filters.cursor ?? "-"].join(",") });
  const previousPage = () => {
    const trail = [...cursors];
    const previous = trail.pop();
    navigate(VIEW, {
      ...keep,
      cursor: previous && previous !== "-" ? previous : undefined,
      page: page > 2 ? String(page - 1) : undefined,
      trail: trail.join(",") || undefined,
    });
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">{t("audit.title")}</h1>
      </div>

      <form className="filters" role="search" aria-label={t("audit.filters")} onSubmit={apply} key={params.toString()}>
        <label>
          {t("audit.action")}
          <select name="action" defaultValue={filters.action ?? ""}>
            <option value="">{t("audit.anyAction")}</option>
            {ACTION_GROUPS.map(([group, actions]) => (
              <optgroup key={group} label={groupLabel(i18n, group)}>
                <option value={`${group}.*`}>{t("audit.allOf", { what: groupLabel(i18n, group) })}</option>
                {actions.map((action) => (
                  <option key={action} value={action}>
                    {actionLabel(i18n, action)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t("invoices.dateFrom")}
          <input type="date" name="date_from" defaultValue={filters.date_from ?? ""} />
        </label>
        <label>
          {t("invoices.dateTo")}
          <input type="date" name="date_to" defaultValue={filters.date_to ?? ""} />
        </label>
        {/* filters reached by deep link (an object's history, one actor) stay applied */}
        {filters.object_id && <input type="hidden" name="object_id" value={filters.object_id} />}
        {filters.actor && <input type="hidden" name="actor" value={filters.actor} />}
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("invoices.apply")}
          </button>
          {filtered && (
            <button type="button" className="button subtle" onClick={() => navigate(VIEW)}>
              {t("invoices.clear")}
            </button>
          )}
        </div>
      </form>

      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <Empty>{filtered ? t("audit.emptyFiltered") : t("audit.empty")}</Empty>
      ) : (
        <>
          <table className="table" aria-label={t("audit.list")} aria-busy={query.isFetching}>
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("audit.who")}</th>
                <th scope="col">{t("audit.what")}</th>
                <th scope="col">{t("audit.object")}</th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {query.data.data.map((entry) => (
                <tr key={entry.id}>
                  <td className="nowrap">
                    <time dateTime={entry.created_at}>{dateTime(entry.created_at)}</time>
                  </td>
                  <td>{actorLabel(i18n, entry.actor)}</td>
                  <td>{actionLabel(i18n, entry.action, entry.data as Record<string, unknown>)}</td>
                  <td>
                    {entry.object_id.startsWith("inv_") && !entry.action.endsWith(".deleted") ? (
                      <Link view={`invoice/${entry.object_id}`}>
                        <code>{entry.object_id}</code>
                      </Link>
                    ) : (
                      <code>{entry.object_id}</code>
                    )}
                  </td>
                  <td>{details(i18n, entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label={t("invoices.page", { page })}>
            <span>{t("invoices.page", { page })}</span>
            {page > 1 && (
              <button type="button" className="button subtle" onClick={previousPage}>
                {t("common.previous")}
              </button>
            )}
            {query.data.next_cursor && (
              <button type="button" className="button subtle" onClick={() => nextPage(query.data.next_cursor!)}>
                {t("common.next")}
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
