/** The invoice list: filters and pagination live in the URL, so a deep link reproduces the view. */
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import { INVOICE_STATUSES, invoiceListSearch } from "../../routes/search";
import { useInvoices } from "./api";
import { DateRange } from "../../components/DateRange";
import { FilterActions } from "../../components/FilterActions";
import { Link } from "../../components/Link";
import { Money } from "../../components/Money";
import { PagedTable } from "../../components/PagedTable";
import { SelectField } from "../../components/SelectField";
import { StatusBadge } from "../../components/StatusBadge";
import { useListFilters } from "../../hooks/useListFilters";

export default function InvoiceList() {
  const { t, date } = useI18n();
  const list = useListFilters("invoices", invoiceListSearch);
  const { params, filters, filtered, apply, clear } = list;
  const query = useInvoices(filters);

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
        <SelectField label={t("invoices.status")} name="status" defaultValue={filters.status ?? ""} options={INVOICE_STATUSES} optionLabel={(s) => t(`status.${s}`)}>
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
        label={t("invoices.list")}
        empty={filtered ? t("invoices.emptyFiltered") : t("invoices.empty")}
        list={list}
        head={
          <>
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
          </>
        }
      >
        {(rows) =>
          rows.map((invoice) => (
            <tr key={invoice.id}>
              <td className="nowrap">
                <Link view={`invoice/${invoice.id}`}>{invoice.number ?? t("invoices.draftNumber")}</Link>
              </td>
              <td>{invoice.customer.name}</td>
              <td className="nowrap">{date(invoice.date)}</td>
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
          ))
        }
      </PagedTable>
    </section>
  );
}
