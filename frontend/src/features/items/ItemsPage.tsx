/** The item catalogue: search, list, create, edit and delete. */
import { useMemo } from "react";
import type { Item } from "../../api/client";
import { can, getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { parseSearch } from "../../lib/search";
import { useLocation } from "../../router";
import { recordsSearch } from "../../routes/search";
import { useEntity } from "../entity/api";
import { formatTaxes, knownTaxNames, parseTaxes } from "../../lib/taxes";
import { useCreateItem, useDeleteItem, useItems, useUpdateItem } from "./api";
import { Field } from "../../components/Field";
import { Money } from "../../components/Money";
import { RecordForm } from "../../components/RecordForm";
import { RecordsPage } from "../../components/RecordsPage";

export default function ItemsPage() {
  const { t, number } = useI18n();
  const { params } = useLocation();
  const search = parseSearch(recordsSearch, params).search ?? "";
  const query = useItems(search);
  const entity = useEntity();
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const taxNames = useMemo(() => knownTaxNames(...(query.data?.data ?? []).map((item) => item.taxes)), [query.data]);
  return (
    <RecordsPage
      kind="items"
      search={search}
      query={query}
      writer={can("items:write")}
      columns={[{ label: t("common.name") }, { label: t("common.unit") }, { label: t("items.taxRate"), num: true }, { label: t("common.price"), num: true }]}
      cells={(item) => (
        <>
          <td>{item.name}</td>
          <td>{item.unit ?? "—"}</td>
          <td className="num">{item.taxes.length ? item.taxes.map((x) => `${x.name} ${number(x.rate)} %`).join(", ") : "—"}</td>
          <td className="num">
            <Money amount={item.price} currency={currency} />
          </td>
        </>
      )}
      form={(item, onDone) => <ItemForm item={item} taxNames={taxNames} onDone={onDone} />}
      useDelete={useDeleteItem}
    />
  );
}

const FIELDS = ["name", "price", "unit", "description", "taxes"] as const;

/** Create a catalogue item, or edit one (`item`); its taxes keep their names. */
function ItemForm({ item, taxNames, onDone }: { item?: Item; taxNames: string[]; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateItem();
  const update = useUpdateItem(item?.id ?? "");
  const taxes = formatTaxes(item?.taxes ?? []);
  const body = (form: FormData) => {
    const value = (name: string) => String(form.get(name) ?? "").trim();
    return {
      name: value("name"),
      price: value("price").replace(/^(-?\d+),(\d+)$/, "$1.$2"),
      unit: value("unit") || null,
      description: value("description") || null,
      taxes: parseTaxes(value("taxes"), value("tax_name")),
    };
  };
  return (
    <RecordForm kind="items" record={item} create={create} update={update} body={body} shown={FIELDS} onDone={onDone}>
      {(error) => (
        <>
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
        </>
      )}
    </RecordForm>
  );
}
