/** "Make recurring": a schedule for an invoice's customer and lines (frequency, day, start, time zone, action). */
import { type FormEvent } from "react";
import { type Invoice, type Schemas } from "../../api/client";
import { type MessageKey, useI18n } from "../../i18n";
import { navigate } from "../../router";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { toast } from "../../components/toast";
import { ACTIONS, FREQUENCIES, browserTimeZone, templateOf, useCreateRecurring } from "./api";

export function RecurringForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateRecurring();
  const today = new Date().toISOString().slice(0, 10);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const get = (name: string) => String(form.get(name) ?? "").trim();
    const frequency = get("frequency") as Schemas["ScheduleIn"]["frequency"];
    const day = get("day_of_month");
    create.mutate(
      {
        template: templateOf(invoice),
        action: get("action") as (typeof ACTIONS)[number],
        schedule: {
          frequency,
          interval: Number(get("interval") || "1"),
          start_date: get("start_date"),
          end_date: get("end_date") || null,
          day_of_month: frequency !== "weekly" && day ? Number(day) : null,
          timezone: get("timezone"),
        },
      },
      {
        onSuccess: (saved) => {
          toast(t("recurring.created"));
          onDone();
          navigate(`recurring/${saved.id}`);
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("recurring.make")}>
      <h2>{t("recurring.make")}</h2>
      <FieldErrors error={create.error} />
      <label>
        {t("recurring.frequency")}
        <select name="frequency" defaultValue="monthly">
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {t(`recurring.frequency.${f}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("recurring.interval")}
        <input name="interval" type="number" min={1} max={100} defaultValue={1} />
      </label>
      <label>
        {t("recurring.dayOfMonth")}
        <input name="day_of_month" type="number" min={1} max={31} defaultValue={Number(today.slice(8, 10))} />
      </label>
      <label>
        {t("recurring.startDate")}
        <input name="start_date" type="date" required defaultValue={today} />
      </label>
      <label>
        {t("recurring.endDate")}
        <input name="end_date" type="date" />
      </label>
      <label>
        {t("recurring.timezone")}
        <input name="timezone" required defaultValue={browserTimeZone()} />
      </label>
      <label>
        {t("recurring.action")}
        <select name="action" defaultValue="issue">
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`recurring.action.${a}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <FormButtons label={t("recurring.make")} disabled={create.isPending} onCancel={onDone} />
    </form>
  );
}
