/**
 * The invoice's customer: an existing one, found by searching the server as you type, or a new one's name
 * and e-mail. Typing in the search again lets go of the chosen customer.
 */
import { useState } from "react";
import { Combobox } from "../../components/Combobox";
import { useDebounced } from "../../hooks/useDebounced";
import { useI18n } from "../../i18n";
import { useCustomer, useCustomerMatches } from "../customers/api";
import { useEntity } from "../entity/api";
import type { DraftState } from "./draft";

type CustomerState = Pick<
  DraftState,
  "customerId" | "customerLabel" | "customerName" | "customerEmail" | "customerCountry" | "customerTaxNumber" | "customerIsBusiness"
>;

export function CustomerFields({ draft, onChange }: { draft: CustomerState; onChange: (patch: Partial<CustomerState>) => void }) {
  // a customer without a country is a domestic one: the seller's country is what an empty field means
  const sellerCountry = useEntity().data?.country ?? undefined;
  const { t } = useI18n();
  const [typed, setTyped] = useState<string | null>(null);
  // a customer chosen by id alone (the host's prefill) is looked up for its name
  const chosen = useCustomer(draft.customerId && !draft.customerLabel ? draft.customerId : "");
  const text = typed ?? (draft.customerLabel || chosen.data?.name || "");
  const search = useDebounced(text.trim());
  const [opened, setOpened] = useState(false);
  const matches = useCustomerMatches(search, opened);
  // only what the server found for the text as it is now (not the previous search's, kept while this one runs)
  const settled = search === text.trim() && matches.isSuccess && !matches.isPlaceholderData;
  const options = (settled ? matches.data.data : []).map((c) => ({ id: c.id, label: c.name, hint: c.email ?? undefined }));

  return (
    <fieldset>
      <legend>{t("editor.customer")}</legend>
      <div className="grid">
        <Combobox
          label={t("editor.existingCustomer")}
          text={text}
          onTextChange={(value) => {
            setTyped(value);
            if (draft.customerId) onChange({ customerId: "", customerLabel: "" });
          }}
          options={options}
          searching={!settled && !matches.isError}
          error={matches.isError ? matches.error : undefined}
          onOpen={() => setOpened(true)}
          onPick={(option) => {
            setTyped(null);
            onChange({ customerId: option.id, customerLabel: option.label });
          }}
        />
        {draft.customerId ? (
          <button
            type="button"
            className="button subtle"
            onClick={() => {
              setTyped("");
              onChange({ customerId: "", customerLabel: "" });
            }}
          >
            {t("editor.newCustomer")}
          </button>
        ) : (
          <>
            <label>
              {t("editor.customerName")}
              <input required value={draft.customerName} onChange={(e) => onChange({ customerName: e.target.value })} autoComplete="off" />
            </label>
            <label>
              {t("editor.customerEmail")}
              <input type="email" value={draft.customerEmail} onChange={(e) => onChange({ customerEmail: e.target.value })} autoComplete="off" />
            </label>
            <label>
              {t("editor.customerCountry")}
              <input
                value={draft.customerCountry}
                onChange={(e) => onChange({ customerCountry: e.target.value.toUpperCase() })}
                maxLength={2}
                placeholder={sellerCountry}
                autoComplete="off"
                className="short"
              />
            </label>
            <label>
              {t("editor.customerTaxNumber")}
              <input value={draft.customerTaxNumber} onChange={(e) => onChange({ customerTaxNumber: e.target.value })} autoComplete="off" />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.customerIsBusiness ?? !!draft.customerTaxNumber.trim()}
                onChange={(e) => onChange({ customerIsBusiness: e.target.checked })}
              />
              {t("editor.customerIsBusiness")}
            </label>
          </>
        )}
      </div>
    </fieldset>
  );
}
