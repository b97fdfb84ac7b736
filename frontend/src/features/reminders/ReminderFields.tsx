/**
 * The "Payment reminders" part of the settings form: the switch and the days after the due date, added and
 * removed one at a time and checked as the API checks them (`days.ts`); the form saves them with the rest
 * (`settings.reminders`), and a 422 naming `settings.reminders…` shows here.
 */
import { useId, useState } from "react";
import { fieldError } from "../../components/fieldErrors";
import { useI18n } from "../../i18n";
import { addDay, checkDay, type DayProblem, MAX_DAYS, removeDay } from "./days";

export interface Reminders {
  enabled: boolean;
  days_after_due: number[];
}

export function ReminderFields({
  value,
  onChange,
  error,
  disabled,
}: {
  value: Reminders;
  onChange: (next: Reminders) => void;
  error: unknown;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<DayProblem | null>(null);
  const serverError = fieldError(error, "settings.reminders");
  const message =
    problem === "invalid"
      ? t("reminders.invalidDay")
      : problem === "duplicate"
        ? t("reminders.duplicateDay", { days: draft.trim() })
        : problem === "tooMany"
          ? t("reminders.tooMany", { max: MAX_DAYS })
          : serverError;

  const add = () => {
    const checked = checkDay(draft, value.days_after_due);
    if ("problem" in checked) {
      setProblem(checked.problem);
      return;
    }
    onChange({ ...value, days_after_due: addDay(value.days_after_due, checked.day) });
    setDraft("");
    setProblem(null);
  };

  return (
    <fieldset disabled={disabled} aria-describedby={`${id}-hint`}>
      <legend>{t("reminders.title")}</legend>
      <label className="check">
        <input type="checkbox" role="switch" checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} />
        {t("reminders.enabled")}
      </label>
      <p id={`${id}-hint`} className="hint">
        {t("reminders.hint")}
      </p>
      <ul className="chips" aria-label={t("reminders.days")}>
        {value.days_after_due.map((day) => (
          <li key={day} className="chip">
            {t("reminders.day", { days: day })}
            <button
              type="button"
              className="button subtle"
              aria-label={t("reminders.remove", { days: day })}
              onClick={() => onChange({ ...value, days_after_due: removeDay(value.days_after_due, day) })}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {value.days_after_due.length === 0 && <p className="hint">{t("reminders.noDays")}</p>}
      <div className="grid">
        <div className="field">
          <label htmlFor={`${id}-day`}>{t("reminders.newDay")}</label>
          <input
            id={`${id}-day`}
            className="short"
            inputMode="numeric"
            value={draft}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? `${id}-error` : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setProblem(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
          />
          {message && (
            <span id={`${id}-error`} className="hint error" role="alert">
              {message}
            </span>
          )}
        </div>
        <button type="button" className="button" onClick={add}>
          {t("reminders.add")}
        </button>
      </div>
    </fieldset>
  );
}
