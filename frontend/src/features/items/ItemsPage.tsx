/** The item catalogue: search, list, create. */
import { type FormEvent, useState } from "react";
import { can, getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { useEntity } from "../entity/api";
import { toast } from "../shell/toasts";
import { Empty, ErrorState, FieldErrors, Loading, Money } from "../shell/ui";
import { useCreateItem, useItems } from "./api";

export default function ItemsPage() {
  const { t, number } = useI18n();
  const { params } = useLocation();
  const search = params.get("search") ?? "";
  const query = useItems(search);
  const entity = useEntity();
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const [creating, setCreating] = useState(false);

  return (
    <section aria-labelledby="items-title">
      <div className="page-head">
        <h1 id="items-title">{t("items.title")}</h1>
        {can("items:write") && (
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {t("items.new")}
          </button>
        )}
      </div>
      {creating && <ItemForm onDone={() => setCreating(false)} />}
      <form
        role="search"
        className="filters"
        key={search}
        onSubmit={(e) => {
          e.preventDefault();
          navigate("items", { search: String(new FormData(e.currentTarget).get("search") ?? "").trim() });
        }}
      >
        <label className="grow">
          {t("items.searchLabel")}
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
        <Empty>{t("items.empty")}</Empty>
      ) : (
        <table className="table" aria-label={t("items.list")}>
          <thead>
            <tr>
              <th scope="col">{t("common.name")}</th>
              <th scope="col">{t("common.unit")}</th>
              <th scope="col" className="num">
                {t("items.taxRate")}
              </th>
              <th scope="col" className="num">
                {t("common.price")}
              </th>
            </tr>
          </thead>
          <tbody>
            {query.data.data.map((item) => (
              <tr key={item.id}>
                <td>{item.name}</td>
                <td>{item.unit ?? "—"}</td>
                <td className="num">{item.taxes.length ? item.taxes.map((x) => number(x.rate)).join(", ") : "—"}</td>
                <td className="num">
                  <Money amount={item.price} currency={currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ItemForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateItem();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim().replace(/^(\d+),(\d+)$/, "$1.$2");
    const rate = value("tax");
    create.mutate(
      {
        name: value("name"),
        price: value("price"),
        unit: value("unit") || null,
        description: value("description") || null,
        taxes: rate ? [{ name: "VAT", rate }] : [],
      },
      {
        onSuccess: (item) => {
          toast(t("items.created", { name: item.name }));
          onDone();
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("items.new")}>
      <h2>{t("items.new")}</h2>
      <FieldErrors error={create.error} />
      <div className="grid">
        <label>
          {t("common.name")}
          <input name="name" required autoComplete="off" />
        </label>
        <label>
          {t("common.price")}
          <input name="price" required inputMode="decimal" autoComplete="off" className="short" />
        </label>
        <label>
          {t("items.taxRate")}
          <input name="tax" inputMode="decimal" autoComplete="off" className="short" />
        </label>
        <label>
          {t("common.unit")}
          <input name="unit" autoComplete="off" className="short" />
        </label>
        <label className="grow">
          {t("common.description")}
          <input name="description" autoComplete="off" />
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
