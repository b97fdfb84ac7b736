/**
 * Exports: choose what (documents, lines, payments), the format, the period and a status, start it
 * (`POST /v1/exports`, 202), watch its progress while it is queued or running (the list is asked again every
 * second), and download the file once done. The recent exports are listed with their state.
 */
import type { FormEvent } from "react";
import { DateRange } from "../../components/DateRange";
import { FieldErrors } from "../../components/FieldErrors";
import { QueryResult } from "../../components/QueryResult";
import { SelectField } from "../../components/SelectField";
import { type MessageKey, useI18n } from "../../i18n";
import { today } from "../../lib/dates";
import { presetPeriod } from "../../lib/periods";
import { INVOICE_STATUSES } from "../../routes/search";
import { type Export, EXPORT_FORMATS, EXPORT_TYPES, isRunning, useDownloadExport, useExports, useStartExport } from "./api";

/** A file size in the locale's way: "12,3 kB". */
function fileSize(locale: string, bytes: number): string {
  const [value, unit] = bytes >= 1_000_000 ? [bytes / 1_000_000, "megabyte"] : bytes >= 1000 ? [bytes / 1000, "kilobyte"] : [bytes, "byte"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }).format(value);
}

function Progress({ job }: { job: Export }) {
  const { t, number } = useI18n();
  const { done, total } = job.progress;
  const label = t("exports.progressOf", { id: job.id });
  return (
    <div className="progress">
      {total ? <progress max={total} value={done} aria-label={label} /> : <progress aria-label={label} />}
      <span className="hint">{total ? t("exports.progress", { done: number(done), total: number(total) }) : t(`exports.status.${job.status}`)}</span>
    </div>
  );
}

function ExportRow({ job }: { job: Export }) {
  const { t, date, dateTime, locale } = useI18n();
  const download = useDownloadExport();
  const { filters } = job;
  return (
    <tr data-export={job.id} data-status={job.status}>
      <td data-label={t("exports.created")}>{dateTime(job.created_at)}</td>
      <td data-label={t("exports.type")}>
        {t(`exports.type.${job.type}` as MessageKey)} · {t(`exports.format.${job.format}` as MessageKey)}
      </td>
      <td data-label={t("exports.period")}>
        {filters.date_from || filters.date_to ? t("reports.period", { from: date(filters.date_from), to: date(filters.date_to) }) : "—"}
        {filters.status && <> · {t(`status.${filters.status}` as MessageKey)}</>}
      </td>
      <td data-label={t("exports.state")}>
        {isRunning(job) ? (
          <Progress job={job} />
        ) : (
          <span className={`badge badge-export-${job.status}`}>{t(`exports.status.${job.status}` as MessageKey)}</span>
        )}
        {job.status === "failed" && job.error && <span className="hint error"> {job.error}</span>}
      </td>
      <td data-label={t("exports.file")}>
        {job.status === "done" && job.file ? (
          <button
            type="button"
            className="button"
            disabled={download.isPending}
            onClick={() => download.mutate(job)}
            aria-label={t("exports.downloadNamed", { name: job.file.name })}
          >
            {t("exports.download")} <span className="hint">({fileSize(locale, job.file.size)})</span>
          </button>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

export default function ExportsPage() {
  const { t } = useI18n();
  const exports = useExports();
  const start = useStartExport();
  const period = presetPeriod("lastMonth", today());

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    start.mutate({
      type: value("type") as Export["type"],
      format: value("format") as Export["format"],
      filters: { date_from: value("date_from"), date_to: value("date_to"), status: value("status") as (typeof INVOICE_STATUSES)[number] | undefined },
    });
  };

  return (
    <section aria-labelledby="exports-title">
      <div className="page-head">
        <h1 id="exports-title">{t("exports.title")}</h1>
      </div>

      <form className="filters panel" aria-label={t("exports.new")} onSubmit={submit}>
        <SelectField label={t("exports.type")} name="type" defaultValue="documents" options={EXPORT_TYPES} optionLabel={(v) => t(`exports.type.${v}`)} />
        <SelectField label={t("exports.format")} name="format" defaultValue="csv" options={EXPORT_FORMATS} optionLabel={(v) => t(`exports.format.${v}`)} />
        <DateRange from={period.date_from} to={period.date_to} error={start.error} scope="filters" />
        <SelectField label={t("invoices.status")} name="status" defaultValue="" options={INVOICE_STATUSES} optionLabel={(s) => t(`status.${s}`)}>
          <option value="">{t("invoices.anyStatus")}</option>
        </SelectField>
        <div className="filter-actions">
          <button type="submit" className="button primary" disabled={start.isPending}>
            {t("exports.start")}
          </button>
        </div>
        <FieldErrors error={start.error} shown={["filters.date_from", "filters.date_to"]} />
      </form>

      <h2 id="exports-recent">{t("exports.recent")}</h2>
      <QueryResult query={exports} isEmpty={(data) => data.data.length === 0} empty={t("exports.empty")}>
        {(data) => (
          <div className="table-scroll">
            <table className="table table-cards" aria-labelledby="exports-recent" aria-busy={exports.isFetching}>
              <thead>
                <tr>
                  <th scope="col">{t("exports.created")}</th>
                  <th scope="col">{t("exports.type")}</th>
                  <th scope="col">{t("exports.period")}</th>
                  <th scope="col">{t("exports.state")}</th>
                  <th scope="col">{t("exports.file")}</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((job) => (
                  <ExportRow key={job.id} job={job} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryResult>
    </section>
  );
}
