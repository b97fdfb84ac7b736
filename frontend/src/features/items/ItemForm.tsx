/** Create a catalogue item, or edit one. */
import type { Item } from "../../api/client";
import { SelectField } from "../../components/SelectField";
import { type MessageKey, useI18n } from "../../i18n";
import { apiTaxes, formatTaxes, parseTaxes } from "../../lib/taxes";
import { useCreateItem, useUpdateItem } from "./api";
import { Field } from "../../components/Field";
import { RecordForm } from "../../components/RecordForm";
import { isLineKind, isTaxClass, LINE_KINDS, TAX_CLASSES } from "../invoices/tax";

export const FIELDS = ["name", "price", "unit", "description", "taxes", "kind", "tax_class"] as const;

/** Create a catalogue item, or edit one (`item`); its taxes keep their names. */
export function ItemForm({ item, taxNames, onDone }: { item?: Item; taxNames: string[]; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateItem();
  const update = useUpdateItem(item?.id ?? "");
  const taxes = formatTaxes(item?.taxes ?? []);
  const body = (form: FormData) => {
    const value = (name: string) => String(form.get(name) ?? "").trim();
    const kind = value("kind");
    const taxClass = value("tax_class");
    return {
      name: value("name"),
      price: value("price").replace(/^(-?\d+),(\d+)$/, "$1.$2"),
      unit: value("unit") || null,
      description: value("description") || null,
      taxes: apiTaxes(parseTaxes(value("taxes"), value("tax_name"))),
      // what a line taken from the item sells and its rate class, for the VAT decision
      ...(isLineKind(kind) ? { kind } : {}),
      ...(isTaxClass(taxClass) ? { tax_class: taxClass } : {}),
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
          <SelectField label={t("tax.kind")} name="kind" defaultValue={item?.kind ?? "services"} options={LINE_KINDS} optionLabel={(kind) => t(`tax.kind.${kind}` as MessageKey)} />
          <SelectField label={t("tax.class")} name="tax_class" defaultValue={item?.tax_class ?? "standard"} options={TAX_CLASSES} optionLabel={(c) => t(`tax.class.${c}` as MessageKey)} />
          <Field label={t("common.unit")} name="unit" error={error} autoComplete="off" className="short" defaultValue={item?.unit ?? ""} />
          <Field label={t("common.description")} name="description" error={error} grow autoComplete="off" defaultValue={item?.description ?? ""} />
        </>
      )}
    </RecordForm>
  );
}
