/**
 * The entity's settings form (read-only for those who may not change them): business details, bank account,
 * document numbering (with a live example) and PDF design, e-mail sender and reply-to, branding (colour, logo
 * upload), e-invoices (registration number, Peppol id, the seller contact, the Factur-X PDF), payment reminders. Each input is named by its API field, so a 422's `errors[].field` shows under it.
 */
import { type FormEvent, useEffect, useState } from "react";
import type { Entity } from "../../api/client";
import { Field } from "../../components/Field";
import { fieldError } from "../../components/fieldErrors";
import { FieldErrors } from "../../components/FieldErrors";
import { toast } from "../../components/toast";
import { useI18n } from "../../i18n";
import { applyTheme, currentPrimary } from "../../theme";
import { useUpdateEntity, useUploadLogo } from "../entity/api";
import { DEFAULT_DAYS } from "../reminders/days";
import { ReminderFields, type Reminders } from "../reminders/ReminderFields";
import { exampleNumber } from "./numberFormat";

/** The number formats the form edits, each with its label. */
const NUMBER_LABELS = {
  invoice: "settings.invoiceNumbers",
  credit_note: "settings.creditNoteNumbers",
  estimate: "settings.estimateNumbers",
  advance_invoice: "settings.advanceNumbers",
} as const;

export const COLOR = /^#[0-9a-fA-F]{6}$/;
export const PDF_TEMPLATES = ["classic", "modern"] as const;

/** The fields this form shows next to their input (the rest of a 422 is listed above the form). */
const SHOWN = [
  "name", "email", "address", "post_code", "city", "tax_number", "registration_number", "peppol_id", "contact",
  "settings.payment_terms_days", "settings.payment_terms_text", "settings.default_note", "settings.einvoice", "settings.bank_account", "settings.number_formats", "settings.pdf_template", "settings.email", "settings.branding", "settings.reminders",
] as const;

export function SettingsForm({ entity, readOnly }: { entity: Entity; readOnly: boolean }) {
  const { t, date } = useI18n();
  const update = useUpdateEntity();
  const upload = useUploadLogo();
  const settings = entity.settings;
  const branding = settings.branding && typeof settings.branding === "object" ? settings.branding : {};
  const bank = settings.bank_account ?? {};
  const mail = settings.email ?? {};
  const contact = entity.contact ?? {};
  const saved = branding.primary_color || currentPrimary();
  const [color, setColor] = useState(saved);
  const [logo, setLogo] = useState(branding.logo_url ?? "");
  const [formats, setFormats] = useState({
    invoice: settings.number_formats?.invoice ?? "{yyyy}-{nnnnn}",
    credit_note: settings.number_formats?.credit_note ?? "CN-{yyyy}-{nnnnn}",
    estimate: settings.number_formats?.estimate ?? "EST-{yyyy}-{nnnnn}",
    advance_invoice: settings.number_formats?.advance_invoice ?? "ADV-{yyyy}-{nnnnn}",
  });
  const [reminders, setReminders] = useState<Reminders>({
    enabled: settings.reminders?.enabled ?? false,
    days_after_due: settings.reminders?.days_after_due ?? DEFAULT_DAYS,
  });
  const valid = COLOR.test(color);
  const error = update.error;

  // live preview while editing; leaving without saving restores the saved colour
  useEffect(() => {
    if (valid) applyTheme({ primary_color: color });
  }, [color, valid]);
  useEffect(() => () => applyTheme({ primary_color: saved }), [saved]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    const terms = value("settings.payment_terms_days");
    update.mutate(
      {
        name: value("name") ?? entity.name,
        address: value("address"),
        city: value("city"),
        post_code: value("post_code"),
        email: value("email"),
        tax_number: value("tax_number"),
        registration_number: value("registration_number"),
        peppol_id: value("peppol_id"),
        contact: { name: value("contact.name"), phone: value("contact.phone"), email: value("contact.email") },
        settings: {
          branding: { primary_color: valid ? color : null, logo_url: logo.trim() || null },
          ...(terms !== null ? { payment_terms_days: Number(terms) } : {}),
          payment_terms_text: value("settings.payment_terms_text"),
          default_note: value("settings.default_note"),
          einvoice: { pdf: form.get("settings.einvoice.pdf") === "on" },
          bank_account: {
            iban: value("settings.bank_account.iban"),
            bic: value("settings.bank_account.bic"),
            bank_name: value("settings.bank_account.bank_name"),
          },
          number_formats: {
            invoice: formats.invoice.trim(),
            credit_note: formats.credit_note.trim(),
            estimate: formats.estimate.trim(),
            advance_invoice: formats.advance_invoice.trim(),
          },
          pdf_template: (value("settings.pdf_template") ?? "classic") as (typeof PDF_TEMPLATES)[number],
          email: { sender_name: value("settings.email.sender_name"), reply_to: value("settings.email.reply_to") },
          reminders,
        },
      },
      { onSuccess: () => toast(t("settings.saved")) },
    );
  };

  const onLogo = (file: File | undefined) => {
    if (!file) return;
    upload.mutate(file, {
      onSuccess: (stored) => {
        setLogo(stored.url);
        toast(t("settings.logoUploaded"));
      },
    });
  };

  const today = new Date();
  const templateError = fieldError(error, "settings.pdf_template");
  return (
    <form className="settings" onSubmit={submit} noValidate>
      <FieldErrors error={error} shown={SHOWN} />
      <fieldset disabled={readOnly}>
        <legend>{t("settings.business")}</legend>
        <div className="grid">
          <Field label={t("common.name")} name="name" error={error} required defaultValue={entity.name} />
          <Field label={t("common.email")} name="email" error={error} type="email" defaultValue={entity.email ?? ""} />
          <Field label={t("common.address")} name="address" error={error} defaultValue={entity.address ?? ""} />
          <Field label={t("common.postCode")} name="post_code" error={error} defaultValue={entity.post_code ?? ""} className="short" />
          <Field label={t("common.city")} name="city" error={error} defaultValue={entity.city ?? ""} />
          <Field label={t("common.taxNumber")} name="tax_number" error={error} defaultValue={entity.tax_number ?? ""} />
          <Field
            label={t("settings.registrationNumber")}
            name="registration_number"
            error={error}
            defaultValue={entity.registration_number ?? ""}
            title={t("settings.registrationNumberHint")}
          />
          <Field
            label={t("settings.paymentTerms")}
            name="settings.payment_terms_days"
            error={error}
            type="number"
            min={0}
            max={365}
            defaultValue={settings.payment_terms_days ?? ""}
            className="short"
          />
          <Field
            label={t("settings.paymentTermsText")}
            name="settings.payment_terms_text"
            error={error}
            defaultValue={settings.payment_terms_text ?? ""}
            title={t("settings.paymentTermsTextHint")}
            grow
          />
          <Field label={t("settings.defaultNote")} name="settings.default_note" error={error} defaultValue={settings.default_note ?? ""} grow />
        </div>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>{t("settings.einvoiceTitle")}</legend>
        <div className="grid">
          <Field
            label={t("common.peppolId")}
            name="peppol_id"
            error={error}
            autoComplete="off"
            defaultValue={entity.peppol_id ?? ""}
            placeholder="0088:4012345000009"
            title={t("common.peppolIdHint")}
          />
          <Field label={t("settings.contactName")} name="contact.name" error={error} defaultValue={contact.name ?? ""} />
          <Field label={t("settings.contactPhone")} name="contact.phone" error={error} type="tel" defaultValue={contact.phone ?? ""} />
          <Field label={t("settings.contactEmail")} name="contact.email" error={error} type="email" defaultValue={contact.email ?? ""} />
          <label className="check">
            <input type="checkbox" name="settings.einvoice.pdf" defaultChecked={settings.einvoice?.pdf ?? true} />
            {t("settings.einvoicePdf")}
          </label>
        </div>
        <p className="hint">{t("settings.contactHint")}</p>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>{t("settings.bank")}</legend>
        <div className="grid">
          <Field label={t("settings.iban")} name="settings.bank_account.iban" error={error} autoComplete="off" defaultValue={bank.iban ?? ""} grow />
          <Field label={t("settings.bic")} name="settings.bank_account.bic" error={error} autoComplete="off" defaultValue={bank.bic ?? ""} />
          <Field label={t("settings.bankName")} name="settings.bank_account.bank_name" error={error} defaultValue={bank.bank_name ?? ""} />
        </div>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>{t("settings.documents")}</legend>
        <div className="grid">
          {(["invoice", "credit_note", "estimate", "advance_invoice"] as const).map((kind) => {
            const example = exampleNumber(formats[kind], today);
            return (
              <div key={kind} className="field">
                <Field
                  label={t(NUMBER_LABELS[kind])}
                  name={`settings.number_formats.${kind}`}
                  error={error}
                  autoComplete="off"
                  value={formats[kind]}
                  onChange={(e) => setFormats((f) => ({ ...f, [kind]: e.target.value }))}
                />
                <output className="hint" data-testid={`example-${kind}`}>
                  {example ? t("settings.numberExample", { number: example, date: date(today.toISOString()) }) : t("settings.numberFormatHelp")}
                </output>
              </div>
            );
          })}
          <div className="field">
            <label htmlFor="pdf-template">{t("settings.pdfTemplate")}</label>
            <select id="pdf-template" name="settings.pdf_template" defaultValue={settings.pdf_template ?? "classic"} aria-invalid={templateError ? true : undefined}>
              {PDF_TEMPLATES.map((template) => (
                <option key={template} value={template}>
                  {t(`settings.template.${template}`)}
                </option>
              ))}
            </select>
            {templateError && <span className="hint error">{templateError}</span>}
          </div>
        </div>
      </fieldset>

      <fieldset disabled={readOnly}>
        <legend>{t("settings.emailTitle")}</legend>
        <div className="grid">
          <Field label={t("settings.senderName")} name="settings.email.sender_name" error={error} defaultValue={mail.sender_name ?? ""} placeholder={entity.name} />
          <Field label={t("settings.replyTo")} name="settings.email.reply_to" error={error} type="email" defaultValue={mail.reply_to ?? ""} grow />
        </div>
      </fieldset>

      <ReminderFields value={reminders} onChange={setReminders} error={error} disabled={readOnly} />

      <fieldset disabled={readOnly}>
        <legend>{t("settings.branding")}</legend>
        <div className="grid">
          <label>
            {t("settings.primaryColor")}
            <input value={color} onChange={(e) => setColor(e.target.value.trim())} aria-invalid={!valid} aria-describedby="color-help" className="short" />
          </label>
          <input
            type="color"
            value={valid ? color : "#000000"}
            onChange={(e) => setColor(e.target.value)}
            aria-label={t("settings.pickColor")}
          />
          <Field label={t("settings.logoUrl")} name="settings.branding.logo_url" error={error} type="url" value={logo} onChange={(e) => setLogo(e.target.value)} grow />
          <div className="field">
            <label htmlFor="logo-file">{t("settings.logoUpload")}</label>
            <input id="logo-file" type="file" accept="image/png,image/jpeg,image/svg+xml" disabled={upload.isPending} onChange={(e) => onLogo(e.target.files?.[0])} />
            <span className="hint error" role={upload.isError ? "alert" : undefined}>
              {upload.isError ? (fieldError(upload.error, "file") ?? fieldError(upload.error, "content_type") ?? "") : ""}
            </span>
          </div>
        </div>
        <p id="color-help" className={valid ? "hint" : "hint error"}>
          {valid ? fieldError(error, "settings.branding.primary_color") ?? "" : t("settings.invalidColor")}
        </p>
        <section className="preview" aria-labelledby="preview-title">
          <h2 id="preview-title">{t("settings.preview")}</h2>
          <div className="preview-box">
            {logo && <img src={logo} alt={t("settings.logoAlt")} className="brand-logo" />}
            <span className="button primary" aria-hidden="true">
              {t("settings.previewButton")}
            </span>
          </div>
        </section>
      </fieldset>
      {!readOnly && (
        <div className="toolbar">
          <button type="submit" className="button primary" disabled={update.isPending || !valid}>
            {update.isPending ? t("common.saving") : t("common.save")}
          </button>
        </div>
      )}
    </form>
  );
}
