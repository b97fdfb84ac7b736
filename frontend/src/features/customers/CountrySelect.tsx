/** A country select: names in the UI language (`Intl.DisplayNames`), ISO codes as values, a 422 under it. */
import { useId, useMemo } from "react";
import { fieldError } from "../../components/fieldErrors";
import { useI18n } from "../../i18n";
import { countryOptions } from "../../lib/countries";

export function CountrySelect({
  name = "country",
  label,
  error,
  defaultValue,
  value,
  onChange,
}: {
  name?: string;
  label: string;
  error: unknown;
  defaultValue?: string | null;
  value?: string;
  onChange?: (code: string) => void;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const options = useMemo(() => countryOptions(locale), [locale]);
  const message = fieldError(error, name);
  const controlled = value !== undefined ? { value: value.toUpperCase() } : { defaultValue: (defaultValue ?? "").toUpperCase() };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        {...controlled}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
      >
        <option value="">{t("common.noCountry")}</option>
        {options.map((option) => (
          <option key={option.code} value={option.code}>
            {option.name}
          </option>
        ))}
      </select>
      {message && (
        <span id={`${id}-error`} className="hint error">
          {message}
        </span>
      )}
    </div>
  );
}
