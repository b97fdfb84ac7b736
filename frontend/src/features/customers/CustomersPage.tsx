/** Customers: search, list, create, edit and delete. */
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { parseSearch } from "../../lib/search";
import { useLocation } from "../../router";
import { recordsSearch } from "../../routes/search";
import { useCustomers, useDeleteCustomer } from "./api";
import { RecordsPage } from "../../components/RecordsPage";
import { CustomerForm } from "./CustomerForm";

export default function CustomersPage() {
  const { t } = useI18n();
  const { params } = useLocation();
  const search = parseSearch(recordsSearch, params).search ?? "";
  const query = useCustomers(search);
  return (
    <RecordsPage
      kind="customers"
      search={search}
      query={query}
      writer={can("customers:write")}
      columns={[{ label: t("common.name") }, { label: t("common.email") }, { label: t("common.city") }, { label: t("common.taxNumber") }]}
      cells={(c) => (
        <>
          <td>{c.name}</td>
          <td>{c.email ?? "—"}</td>
          <td>{c.city ?? "—"}</td>
          <td>{c.tax_number ?? "—"}</td>
        </>
      )}
      form={(customer, onDone) => <CustomerForm customer={customer} onDone={onDone} />}
      useDelete={useDeleteCustomer}
    />
  );
}
