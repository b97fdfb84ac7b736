/**
 * Create a customer, or edit one: name, e-mail, address, country (named in the UI language), VAT number, business,
 * buyer reference, Peppol id and the e-invoice format it requires.
 */
import type { Customer } from "../../api/client";
import { useI18n } from "../../i18n";
import { useCreateCustomer, useUpdateCustomer } from "./api";
import { Field } from "../../components/Field";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { CountrySelect } from "./CountrySelect";
import { VatNumberField } from "./VatNumberField";

export const FIELDS = ["name", "email", "address", "post_code", "city", "country", "tax_number", "is_business", "buyer_reference", "peppol_id", "einvoice_format"] as const;

/** The e-invoice formats a customer may require (`einvoice_format`). */
export const EINVOICE_FORMATS = ["facturx", "cii", "ubl", "xrechnung", "peppol"] as const;
type EinvoiceFormat = (typeof EINVOICE_FORMATS)[number];

/** Create a customer, or edit one (`customer`). */
export function CustomerForm({ customer, onDone }: { customer?: Customer; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateCustomer();
  const update = useUpdateCustomer(customer?.id ?? "");
  const body = (form: FormData) => {
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    return {
      name: value("name") ?? "",
      email: value("email"),
      address: value("address"),
      city: value("city"),
      post_code: value("post_code"),
      country: value("country")?.toUpperCase() ?? null,
      tax_number: value("tax_number"),
      is_business: form.get("is_business") === "on",
      buyer_reference: value("buyer_reference"),
      peppol_id: value("peppol_id"),
      einvoice_format: value("einvoice_format") as EinvoiceFormat | null,
    };
  };
  return (
    <RecordForm kind="customers" record={customer} create={create} update={update} body={body} shown={FIELDS} onDone={onDone}>
      {(error) => (
        <>
          <Field label={t("common.name")} name="name" error={error} required={!customer} autoComplete="off" defaultValue={customer?.name} autoFocus={!!customer} />
          <Field label={t("common.email")} name="email" error={error} type="email" autoComplete="off" defaultValue={customer?.email ?? ""} />
          <Field label={t("common.address")} name="address" error={error} autoComplete="off" defaultValue={customer?.address ?? ""} />
          <Field label={t("common.postCode")} name="post_code" error={error} autoComplete="off" className="short" defaultValue={customer?.post_code ?? ""} />
          <Field label={t("common.city")} name="city" error={error} autoComplete="off" defaultValue={customer?.city ?? ""} />
          <CountrySelect label={t("common.country")} error={error} defaultValue={customer?.country} />
          <VatNumberField error={error} defaultValue={customer?.tax_number ?? ""} />
          <Field label={t("customer.buyerReference")} name="buyer_reference" error={error} autoComplete="off" defaultValue={customer?.buyer_reference ?? ""} title={t("customer.buyerReferenceHint")} />
          <Field
            label={t("common.peppolId")}
            name="peppol_id"
            error={error}
            autoComplete="off"
            defaultValue={customer?.peppol_id ?? ""}
            placeholder="0088:4012345000009"
            title={t("common.peppolIdHint")}
          />
          <SelectField
            label={t("customer.einvoiceFormat")}
            name="einvoice_format"
            defaultValue={customer?.einvoice_format ?? ""}
            options={EINVOICE_FORMATS}
            optionLabel={(format) => t(`einvoice.format.${format}`)}
          >
            <option value="">{t("customer.einvoiceFormatNone")}</option>
          </SelectField>
          <label className="check">
            <input type="checkbox" name="is_business" defaultChecked={customer?.is_business ?? true} />
            {t("editor.customerIsBusiness")}
          </label>
        </>
      )}
    </RecordForm>
  );
}
