/** The estimate list: filters and pagination live in the URL, like the invoice list. */
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import { ESTIMATE_STATUSES, estimateListSearch } from "../../routes/search";
import { DateRange } from "../../components/DateRange";
import { FilterActions } from "../../components/FilterActions";
import { Link } from "../../components/Link";
import { Money } from "../../components/Money";
import { PagedTable } from "../../components/PagedTable";
import { SelectField } from "../../components/SelectField";
import { StatusBadge } from "../../components/StatusBadge";
import { useListFilters } from "../../hooks/useListFilters";
import { useEstimates } from "./api";

export default function EstimateList() {
  const { t, date } = useI18n();
  const list = useListFilters("estimates", estimateListSearch);
  const { params, filters, filtered, apply, clear } = list;
  const query = useEstimates(filters);

  return (
    <section aria-labelledby="estimates-title">
      <div className="page-head">
        <h1 id="estimates-title">{t("estimates.title")}</h1>
        {can("documents:write") && (
          <button type="button" className="button primary" onClick={() => navigate("estimate/new")}>
            {t("estimates.new")}
          </button>
        )}
      </div>

      <form className="filters" role="search" aria-label={t("estimates.filters")} onSubmit={apply} key={params.toString()}>
        <SelectField label={t("invoices.status")} name="status" defaultValue={filters.status ?? ""} options={ESTIMATE_STATUSES} optionLabel={(s) => t(`status.${s}`)}>
          <option value="">{t("invoices.anyStatus")}</option>
        </SelectField>
        <DateRange from={filters.date_from} to={filters.date_to} />
        <label className="grow">
          {t("invoices.searchLabel")}
          <input type="search" name="search" defaultValue={filters.search ?? ""} />
        </label>
        <FilterActions filtered={filtered} onClear={clear} />
      </form>

      <PagedTable
        query={query}
        label={t("estimates.list")}
        empty={filtered ? t("estimates.emptyFiltered") : t("estimates.empty")}
        list={list}
        head={
          <>
            <th scope="col">{t("invoices.number")}</th>
            <th scope="col">{t("invoices.customer")}</th>
            <th scope="col">{t("common.date")}</th>
            <th scope="col">{t("estimate.validUntil")}</th>
            <th scope="col">{t("invoices.status")}</th>
            <th scope="col" className="num">
              {t("invoices.total")}
            </th>
          </>
        }
      >
        {(rows) =>
          rows.map((estimate) => (
            <tr key={estimate.id}>
              <td className="nowrap">
                <Link view={`estimate/${estimate.id}`}>{estimate.number ?? t("invoices.draftNumber")}</Link>
              </td>
              <td>{estimate.customer.name}</td>
              <td className="nowrap">{date(estimate.date)}</td>
              <td className="nowrap">{date(estimate.valid_until)}</td>
              <td>
                <StatusBadge status={estimate.status} />
              </td>
              <td className="num">
                <Money amount={estimate.total_with_tax} currency={estimate.currency_code} />
              </td>
            </tr>
          ))
        }
      </PagedTable>
    </section>
  );
}
