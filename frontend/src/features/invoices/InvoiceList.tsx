/** The invoice list: filters and pagination live in the URL, so a deep link reproduces the view. */
import { type FormEvent } from "react";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { Link } from "../shell/Layout";
import { Empty, ErrorState, Loading, Money, StatusBadge } from "../shell/ui";
import { type InvoiceFilters, STATUSES, useInvoices } from "./api";

const FILTERS = ["status", "date_from", "date_to", "search"] as const;

function filtersFrom(params: URLSearchParams): InvoiceFilters {
  const filters: InvoiceFilters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const cursor = params.get("cursor");
  if (cursor) filters.cursor = cursor;
  return filters;
}

export default function InvoiceList() {
  const { t, date } = useI18n();
  const { params } = useLocation();
  const filters = filtersFrom(params);
  const page = Math.max(1, Number(params.get("page") || "1"));
  const query = useInvoices(filters);
  const filtered = FILTERS.some((f) => filters[f]);
  const cursors = (params.get("trail") || "").split(",").filter(Boolean);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next[name] = value;
    }
    navigate("invoices", next);
  };

  const keep = Object.fromEntries(FILTERS.map((f) => [f, filters[f]]));
  // the cursors of the pages before this one ("-" is the first page), so "previous" needs no server support
  const nextPage = (cursor: string) =>
    navigate("invoices", { ...keep, cursor, page: String(page + 1), trail: [...cursors, filters.cursor ?? "-"].join(",") });
  const previousPage = () => {
    const trail = [...cursors];
    const previous = trail.pop();
    navigate("invoices", {
      ...keep,
      cursor: previous && previous !== "-" ? previous : undefined,
      page: page > 2 ? String(page - 1) : undefined,
      trail: trail.join(",") || undefined,
    });
  };

  return (
    <section aria-labelledby="invoices-title">
      <div className="page-head">
        <h1 id="invoices-title">{t("invoices.title")}</h1>
        {can("documents:write") && (
          <button type="button" className="button primary" onClick={() => navigate("invoice/new")}>
            {t("invoices.new")}
          </button>
        )}
      </div>

      <form className="filters" role="search" aria-label={t("invoices.filters")} onSubmit={apply} key={params.toString()}>
        <label>
          {t("invoices.status")}
          <select name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("invoices.anyStatus")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
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
        <label className="grow">
          {t("invoices.searchLabel")}
          <input type="search" name="search" defaultValue={filters.search ?? ""} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button">
            {t("invoices.apply")}
          </button>
          {filtered && (
            <button type="button" className="button subtle" onClick={() => navigate("invoices")}>
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
        <Empty>{filtered ? t("invoices.emptyFiltered") : t("invoices.empty")}</Empty>
      ) : (
        <>
          <table className="table" aria-label={t("invoices.list")} aria-busy={query.isFetching}>
            <thead>
              <tr>
                <th scope="col">{t("invoices.number")}</th>
                <th scope="col">{t("invoices.customer")}</th>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("invoices.status")}</th>
                <th scope="col" className="num">
                  {t("invoices.total")}
                </th>
                <th scope="col" className="num">
                  {t("invoices.due")}
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.data.map((invoice) => (
                <tr key={invoice.id}>
                  <td>
                    <Link view={`invoice/${invoice.id}`}>{invoice.number ?? t("invoices.draftNumber")}</Link>
                  </td>
                  <td>{invoice.customer.name}</td>
                  <td>{date(invoice.date)}</td>
                  <td>
                    <StatusBadge status={invoice.status} />
                  </td>
                  <td className="num">
                    <Money amount={invoice.total_with_tax} currency={invoice.currency_code} />
                  </td>
                  <td className="num">
                    <Money amount={invoice.total_due} currency={invoice.currency_code} />
                  </td>
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
