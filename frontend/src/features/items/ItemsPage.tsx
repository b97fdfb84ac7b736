/** The item catalogue: search, list, create, edit and delete. */
import { useMemo } from "react";
import { can, getSession } from "../../embed/session";
import { useI18n } from "../../i18n";
import { parseSearch } from "../../lib/search";
import { useLocation } from "../../router";
import { recordsSearch } from "../../routes/search";
import { useEntity } from "../entity/api";
import { knownTaxNames } from "../../lib/taxes";
import { useDeleteItem, useItems } from "./api";
import { Money } from "../../components/Money";
import { RecordsPage } from "../../components/RecordsPage";
import { ItemForm } from "./ItemForm";

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
