/** Customers: search, list, create. */
import { type FormEvent, useState } from "react";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { toast } from "../shell/toasts";
import { Empty, ErrorState, FieldErrors, Loading } from "../shell/ui";
import { useCreateCustomer, useCustomers } from "./api";

export default function CustomersPage() {
  const { t } = useI18n();
  const { params } = useLocation();
  const search = params.get("search") ?? "";
  const query = useCustomers(search);
  const [creating, setCreating] = useState(false);

  return (
    <section aria-labelledby="customers-title">
      <div className="page-head">
        <h1 id="customers-title">{t("customers.title")}</h1>
        {can("customers:write") && (
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {t("customers.new")}
          </button>
        )}
      </div>
      {creating && <CustomerForm onDone={() => setCreating(false)} />}
      <form
        role="search"
        className="filters"
        key={search}
        onSubmit={(e) => {
          e.preventDefault();
          navigate("customers", { search: String(new FormData(e.currentTarget).get("search") ?? "").trim() });
        }}
      >
        <label className="grow">
          {t("customers.searchLabel")}
          <input type="search" name="search" defaultValue={search} />
        </label>
        <button type="submit" className="button">
          {t("common.search")}
        </button>
      </form>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <Empty>{t("customers.empty")}</Empty>
      ) : (
        <table className="table" aria-label={t("customers.list")}>
          <thead>
            <tr>
              <th scope="col">{t("common.name")}</th>
              <th scope="col">{t("common.email")}</th>
              <th scope="col">{t("common.city")}</th>
              <th scope="col">{t("common.taxNumber")}</th>
            </tr>
          </thead>
          <tbody>
            {query.data.data.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.email ?? "—"}</td>
                <td>{c.city ?? "—"}</td>
                <td>{c.tax_number ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CustomerForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateCustomer();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    create.mutate(
      {
        name: value("name") ?? "",
        email: value("email"),
        address: value("address"),
        city: value("city"),
        post_code: value("post_code"),
        country: value("country")?.toUpperCase() ?? null,
        tax_number: value("tax_number"),
      },
      {
        onSuccess: (customer) => {
          toast(t("customers.created", { name: customer.name }));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("customers.new")}>
      <h2>{t("customers.new")}</h2>
      <FieldErrors error={create.error} />
      <div className="grid">
        <label>
          {t("common.name")}
          <input name="name" required autoComplete="off" />
        </label>
        <label>
          {t("common.email")}
          <input name="email" type="email" autoComplete="off" />
        </label>
        <label>
          {t("common.address")}
          <input name="address" autoComplete="off" />
        </label>
        <label>
          {t("common.postCode")}
          <input name="post_code" autoComplete="off" className="short" />
        </label>
        <label>
          {t("common.city")}
          <input name="city" autoComplete="off" />
        </label>
        <label>
          {t("common.country")}
          <input name="country" maxLength={2} autoComplete="off" className="short" placeholder="DE" />
        </label>
        <label>
          {t("common.taxNumber")}
          <input name="tax_number" autoComplete="off" />
        </label>
      </div>
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={create.isPending}>
          {t("common.create")}
        </button>
        <button type="button" className="button subtle" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
