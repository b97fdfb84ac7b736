/** The item catalogue: search, list, create, edit and delete. */
import { type FormEvent, Fragment, useMemo, useState } from "react";
import type { Item } from "../../api/client";
import { can, getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { useEntity } from "../entity/api";
import { toast } from "../shell/toasts";
import { formatTaxes, knownTaxNames, parseTaxes } from "../../lib/taxes";
import { ConfirmDelete, type RowAction, RowActions } from "../shell/rows";
import { Empty, ErrorState, Field, FieldErrors, Loading, Money } from "../shell/ui";
import { useCreateItem, useDeleteItem, useItems, useUpdateItem } from "./api";

export default function ItemsPage() {
  const { t, number } = useI18n();
  const { params } = useLocation();
  const search = params.get("search") ?? "";
  const query = useItems(search);
  const entity = useEntity();
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<{ id: string; what: RowAction } | null>(null);
  const writer = can("items:write");
  const taxNames = useMemo(() => knownTaxNames(...(query.data?.data ?? []).map((item) => item.taxes)), [query.data]);

  return (
    <section aria-labelledby="items-title">
      <div className="page-head">
        <h1 id="items-title">{t("items.title")}</h1>
        {writer && (
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)}>
            {t("items.new")}
          </button>
        )}
      </div>
      {creating && writer && <ItemForm taxNames={taxNames} onDone={() => setCreating(false)} />}
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
              {writer && (
                <th scope="col">
                  <span className="sr-only">{t("invoice.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {query.data.data.map((item) => (
              <Fragment key={item.id}>
                <tr>
                  <td>{item.name}</td>
                  <td>{item.unit ?? "—"}</td>
                  <td className="num">{item.taxes.length ? item.taxes.map((x) => `${x.name} ${number(x.rate)} %`).join(", ") : "—"}</td>
                  <td className="num">
                    <Money amount={item.price} currency={currency} />
                  </td>
                  {writer && (
                    <td className="nowrap">
                      <RowActions
                        name={item.name}
                        open={open?.id === item.id ? open.what : null}
                        onOpen={(what) => setOpen(what && { id: item.id, what })}
                      />
                    </td>
                  )}
                </tr>
                {writer && open?.id === item.id && (
                  <tr className="row-panel">
                    <td colSpan={5}>
                      {open.what === "edit" ? (
                        <ItemForm item={item} taxNames={taxNames} onDone={() => setOpen(null)} />
                      ) : (
                        <DeleteItem item={item} onDone={() => setOpen(null)} />
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

const FIELDS = ["name", "price", "unit", "description", "taxes"] as const;

/** Create a catalogue item, or edit one (`item`); its taxes keep their names. */
function ItemForm({ item, taxNames, onDone }: { item?: Item; taxNames: string[]; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateItem();
  const update = useUpdateItem(item?.id ?? "");
  const mutation = item ? update : create;
  const title = item ? t("items.editTitle", { name: item.name }) : t("items.new");
  const taxes = formatTaxes(item?.taxes ?? []);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim();
    const body = {
      name: value("name"),
      price: value("price").replace(/^(-?\d+),(\d+)$/, "$1.$2"),
      unit: value("unit") || null,
      description: value("description") || null,
      taxes: parseTaxes(value("taxes"), value("tax_name")),
    };
    const done = (saved: Item) => {
      toast(t(item ? "items.updated" : "items.created", { name: saved.name }));
      onDone();
    };
    if (item) update.mutate(body, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };
  const error = mutation.error;
  return (
    <form className="panel" onSubmit={submit} aria-label={title} noValidate={!!item}>
      <h2>{title}</h2>
      <FieldErrors error={error} shown={FIELDS} />
      <div className="grid">
        <Field label={t("common.name")} name="name" error={error} required={!item} autoComplete="off" defaultValue={item?.name} autoFocus={!!item} />
        <Field label={t("common.price")} name="price" error={error} required={!item} inputMode="decimal" autoComplete="off" className="short" defaultValue={item?.price} />
        <Field label={t("invoice.taxName")} name="tax_name" error={error} list="item-tax-names" autoComplete="off" className="short" defaultValue={taxes.name} />
        <datalist id="item-tax-names">
          {taxNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Field label={t("items.taxRate")} name="taxes" error={error} autoComplete="off" className="short" defaultValue={taxes.text} />
        <Field label={t("common.unit")} name="unit" error={error} autoComplete="off" className="short" defaultValue={item?.unit ?? ""} />
        <Field label={t("common.description")} name="description" error={error} grow autoComplete="off" defaultValue={item?.description ?? ""} />
      </div>
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {item ? t("common.save") : t("common.create")}
        </button>
        <button type="button" className="button subtle" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function DeleteItem({ item, onDone }: { item: Item; onDone: () => void }) {
  const { t } = useI18n();
  const remove = useDeleteItem();
  return (
    <ConfirmDelete
      label={t("items.deleteTitle", { name: item.name })}
      question={t("items.confirmDelete", { name: item.name })}
      busy={remove.isPending}
      onCancel={onDone}
      onConfirm={() =>
        remove.mutate(item.id, {
          onSuccess: () => {
            toast(t("items.deleted", { name: item.name }));
            onDone();
          },
        })
      }
    />
  );
}
