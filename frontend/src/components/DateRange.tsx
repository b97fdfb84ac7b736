/** The "from" and "to" date filters of a list, written the dashboard locale's way (not the browser's). */
import { useId, useMemo, useRef, useState } from "react";
import { useI18n } from "../i18n";
import { datePattern } from "./dateFormat";
import { fieldError } from "./fieldErrors";

/**
 * A date typed as the locale writes it (`3. 11. 2026` in Slovenian; placeholder `d. m. yyyy`), or picked from the
 * calendar; the form receives it as `YYYY-MM-DD` under `name`. Text that is no date blocks the form's submit.
 */
export function DateField({ name, label, value, error }: { name: string; label: string; value: string | undefined; error?: string }) {
  const { t, locale } = useI18n();
  const id = useId();
  const pattern = useMemo(() => datePattern(locale), [locale]);
  const [text, setText] = useState(value ? pattern.format(value) : "");
  const picker = useRef<HTMLInputElement>(null);
  const iso = pattern.parse(text) ?? "";
  const invalid = text.trim() !== "" && !iso;

  return (
    <div className="date-field">
      <label>
        {label}
        <input
          type="text"
          inputMode="numeric"
          autoComplete="off"
          placeholder={pattern.placeholder}
          value={text}
          aria-invalid={invalid || !!error || undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          ref={(input) => input?.setCustomValidity(invalid ? t("dates.invalid", { pattern: pattern.placeholder }) : "")}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => iso && setText(pattern.format(iso))}
        />
      </label>
      <button
        type="button"
        className="button subtle date-pick"
        aria-label={t("dates.calendar", { field: label })}
        onClick={() => {
          const input = picker.current;
          if (!input) return;
          try {
            input.showPicker();
          } catch {
            input.focus();
          }
        }}
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
          <path d="M3 3h10v10H3zM3 6h10M6 1.5v3M10 1.5v3" fill="none" stroke="currentColor" strokeWidth="1.3" />
        </svg>
      </button>
      <input
        ref={picker}
        type="date"
        className="date-picker"
        tabIndex={-1}
        aria-hidden="true"
        value={iso}
        onChange={(e) => setText(e.target.value ? pattern.format(e.target.value) : "")}
      />
      <input type="hidden" name={name} value={iso} />
      {error && (
        <span id={`${id}-error`} className="hint error date-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** The "from" and "to" date filters; `error` a refusal whose field errors (`date_from`, `date_to`, or inside
 * `scope`: `filters.date_from`) show at them. */
export function DateRange({ from, to, error, scope }: { from: string | undefined; to: string | undefined; error?: unknown; scope?: string }) {
  const { t } = useI18n();
  const field = (name: string) => fieldError(error, scope ? `${scope}.${name}` : name);
  return (
    <>
      <DateField name="date_from" label={t("invoices.dateFrom")} value={from} error={field("date_from")} />
      <DateField name="date_to" label={t("invoices.dateTo")} value={to} error={field("date_to")} />
    </>
  );
}
