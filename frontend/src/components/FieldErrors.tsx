/** A 422's field errors as a list, less those the form shows next to their input. */
import { useI18n } from "../i18n";
import { fieldErrorsOf, within } from "./fieldErrors";

/** A 422's field errors as a list; `shown` are the fields the form already shows next to their input. */
export function FieldErrors({ error, shown = [] }: { error: unknown; shown?: readonly string[] }) {
  const { t } = useI18n();
  const errors = fieldErrorsOf(error).filter((e) => !shown.some((name) => within(e.field, name)));
  if (!errors.length) return null;
  return (
    <div className="field-errors" role="alert">
      <p>{t("common.fieldErrors")}</p>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <code>{e.field}</code>: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
