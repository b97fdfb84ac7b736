/** The audit log (admins): who did what to which object and when; filters and pagination live in the URL. */
import { useI18n } from "../../i18n";
import { ACTION_GROUPS, actionLabel, actorLabel, details, groupLabel, objectView } from "./actions";
import { type AuditEntry, useAuditLog } from "./api";
import { auditLogSearch } from "../../routes/search";
import { DateRange } from "../../components/DateRange";
import { FilterActions } from "../../components/FilterActions";
import { Link } from "../../components/Link";
import { PagedTable } from "../../components/PagedTable";
import { useListFilters } from "../../hooks/useListFilters";

export default function AuditLogPage() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const list = useListFilters("audit", auditLogSearch);
  const { params, filters, filtered, apply, clear } = list;
  const query = useAuditLog(filters);

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
        <DateRange from={filters.date_from} to={filters.date_to} />
        {/* filters reached by deep link (an object's history, one actor) stay applied */}
        {filters.object_id && <input type="hidden" name="object_id" value={filters.object_id} />}
        {filters.actor && <input type="hidden" name="actor" value={filters.actor} />}
        <FilterActions filtered={filtered} onClear={clear} />
      </form>

      <PagedTable
        query={query}
        label={t("audit.list")}
        empty={filtered ? t("audit.emptyFiltered") : t("audit.empty")}
        list={list}
        head={
          <>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("audit.who")}</th>
            <th scope="col">{t("audit.what")}</th>
            <th scope="col">{t("audit.object")}</th>
            <th scope="col">{t("audit.details")}</th>
          </>
        }
      >
        {(rows) =>
          rows.map((entry) => (
            <tr key={entry.id}>
              <td className="nowrap">
                <time dateTime={entry.created_at}>{dateTime(entry.created_at)}</time>
              </td>
              <td>{actorLabel(i18n, entry.actor)}</td>
              <td>{actionLabel(i18n, entry.action, entry.data as Record<string, unknown>)}</td>
              <td>
                <AuditObject entry={entry} />
              </td>
              <td>{details(i18n, entry)}</td>
            </tr>
          ))
        }
      </PagedTable>
    </section>
  );
}

/** The entry's object as people know it (a number, a name, an e-mail; the id only when nothing names it), a link when it has a page. */
function AuditObject({ entry }: { entry: AuditEntry }) {
  const view = objectView(entry);
  const text = entry.label ? <span title={entry.object_id}>{entry.label}</span> : <code>{entry.object_id}</code>;
  return view ? <Link view={view}>{text}</Link> : text;
}
