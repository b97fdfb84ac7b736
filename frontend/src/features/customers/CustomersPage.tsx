/** Customers: search, list, create, edit and delete. */
import { type FormEvent, Fragment, useState } from "react";
import type { Customer } from "../../api/client";
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { toast } from "../shell/toasts";
import { ConfirmDelete, type RowAction, RowActions } from "../shell/rows";
import { Empty, ErrorState, Field, FieldErrors, Loading } from "../shell/ui";
import { useCreateCustomer, useCustomers, useDeleteCustomer, useUpdateCustomer } from "./api";

export default function CustomersPage() {
  const { t } = useI18n();
  const { params } = useLocation();
  const search = params.get("search") ?? "";
  const query = useCustomers(search);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<{ id: string; what: RowAction } | null>(null);
  const writer = can("customers:write");

  return (
    <section aria-labelledby="customers-title">
      <div className="page-head">
        <h1 id="customers-title">{t("customers.title")}</h1>
        {writer && (
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {t("customers.new")}
          </button>
        )}
      </div>
      {creating && writer && <CustomerForm onDone={() => setCreating(false)} />}
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
              {writer && (
                <th scope="col">
                  <span className="sr-only">{t("invoice.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {query.data.data.map((c) => (
              <Fragment key={c.id}>
                <tr>
                  <td>{c.name}</td>
                  <td>{c.email ?? "—"}</td>
                  <td>{c.city ?? "—"}</td>
                  <td>{c.tax_number ?? "—"}</td>
                  {writer && (
                    <td className="nowrap">
                      <RowActions
                        name={c.name}
                        open={open?.id === c.id ? open.what : null}
                        onOpen={(what) => setOpen(what && { id: c.id, what })}
                      />
                    </td>
                  )}
                </tr>
                {writer && open?.id === c.id && (
                  <tr className="row-panel">
                    <td colSpan={5}>
                      {open.what === "edit" ? (
                        <CustomerForm customer={c} onDone={() => setOpen(null)} />
                      ) : (
                        <DeleteCustomer customer={c} onDone={() => setOpen(null)} />
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const FIELDS = ["name", "email", "address", "post_code", "city", "country", "tax_number"] as const;

/** Create a customer, or edit one (`customer`). */
function CustomerForm({ customer, onDone }: { customer?: Customer; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateCustomer();
  const update = useUpdateCustomer(customer?.id ?? "");
  const mutation = customer ? update : create;
  const title = customer ? t("customers.editTitle", { name: customer.name }) : t("customers.new");
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    const body = {
      name: value("name") ?? "",
      email: value("email"),
      address: value("address"),
      city: value("city"),
      post_code: value("post_code"),
      country: value("country")?.toUpperCase() ?? null,
      tax_number: value("tax_number"),
    };
    if (customer)
      update.mutate(body, {
        onSuccess: (saved) => {
          toast(t("customers.updated", { name: saved.name }));
          onDone();
        },
      });
    else
      create.mutate(body, {
        onSuccess: (saved) => {
          toast(t("customers.created", { name: saved.name }));
          onDone();
        },
      });
  };
  const error = mutation.error;
  return (
    <form className="panel" onSubmit={submit} aria-label={title} noValidate={!!customer}>
      <h2>{title}</h2>
      <FieldErrors error={error} shown={FIELDS} />
      <div className="grid">
        <Field label={t("common.name")} name="name" error={error} required={!customer} autoComplete="off" defaultValue={customer?.name} autoFocus={!!customer} />
        <Field label={t("common.email")} name="email" error={error} type="email" autoComplete="off" defaultValue={customer?.email ?? ""} />
        <Field label={t("common.address")} name="address" error={error} autoComplete="off" defaultValue={customer?.address ?? ""} />
        <Field label={t("common.postCode")} name="post_code" error={error} autoComplete="off" className="short" defaultValue={customer?.post_code ?? ""} />
        <Field label={t("common.city")} name="city" error={error} autoComplete="off" defaultValue={customer?.city ?? ""} />
        <Field
          label={t("common.country")}
          name="country"
          error={error}
          maxLength={2}
          autoComplete="off"
          className="short"
          placeholder="DE"
          defaultValue={customer?.country ?? ""}
        />
        <Field label={t("common.taxNumber")} name="tax_number" error={error} autoComplete="off" defaultValue={customer?.tax_number ?? ""} />
      </div>
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {customer ? t("common.save") : t("common.create")}
        </button>
        <button type="button" className="button subtle" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function DeleteCustomer({ customer, onDone }: { customer: Customer; onDone: () => void }) {
  const { t } = useI18n();
  const remove = useDeleteCustomer();
  return (
    <ConfirmDelete
      label={t("customers.deleteTitle", { name: customer.name })}
      question={t("customers.confirmDelete", { name: customer.name })}
      busy={remove.isPending}
      onCancel={onDone}
      onConfirm={() =>
        remove.mutate(customer.id, {
          onSuccess: () => {
            toast(t("customers.deleted", { name: customer.name }));
            onDone();
          },
        })
      }
    />
  );
}
