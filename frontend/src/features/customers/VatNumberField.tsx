/** The customer's VAT number with a "Check VAT number" button: VIES's answer and the trader's name, announced. */
import { useState } from "react";
import type { Schemas } from "../../api/client";
import { Field } from "../../components/Field";
import { fieldError } from "../../components/fieldErrors";
import { useI18n } from "../../i18n";
import { useCheckVatNumber } from "./api";

/** The VAT number input (`tax_number`, read by the form) and its check against VIES. */
export function VatNumberField({ error, defaultValue }: { error: unknown; defaultValue: string }) {
  const { t } = useI18n();
  const [value, setValue] = useState(defaultValue);
  const check = useCheckVatNumber();
  const checked = check.data && check.variables === value.trim() ? check.data : undefined;
  const checkError = check.variables === value.trim() ? fieldError(check.error, "vat_number") : undefined;
  return (
    <div className="field vat-number">
      <Field
        label={t("common.taxNumber")}
        name="tax_number"
        error={error}
        autoComplete="off"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="button" className="button" disabled={!value.trim() || check.isPending} onClick={() => check.mutate(value.trim())}>
        {check.isPending ? t("customers.vatChecking") : t("customers.vatCheck")}
      </button>
      <p role="status" className="hint vat-result">
        {checkError ? <span className="error">{checkError}</span> : checked ? <VatResult result={checked} /> : null}
      </p>
    </div>
  );
}

function VatResult({ result }: { result: Schemas["VatNumberResult"] }) {
  const { t, dateTime } = useI18n();
  const label =
    result.status === "valid" ? t("customers.vatValid") : result.status === "invalid" ? t("customers.vatInvalid") : t("customers.vatUnavailable");
  return (
    <span className={`vat-${result.status}`}>
      <strong>{label}</strong>
      {result.name && <> · {t("customers.vatTrader", { name: result.name })}</>}
      {" · "}
      {t("customers.vatCheckedAt", { time: dateTime(result.checked_at) })}
    </span>
  );
}
