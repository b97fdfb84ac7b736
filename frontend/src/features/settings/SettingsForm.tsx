/** The entity's settings form (read-only for those who may not change them). */
import { type FormEvent, useEffect, useState } from "react";
import type { Entity } from "../../api/client";
import { useI18n } from "../../i18n";
import { applyTheme, currentPrimary } from "../../theme";
import { useUpdateEntity } from "../entity/api";
import { FieldErrors } from "../../components/FieldErrors";
import { toast } from "../../components/toast";

export const COLOR = /^#[0-9a-fA-F]{6}$/;

export function SettingsForm({ entity, readOnly }: { entity: Entity; readOnly: boolean }) {
  const { t } = useI18n();
  const update = useUpdateEntity();
  const branding = entity.settings.branding && typeof entity.settings.branding === "object" ? entity.settings.branding : {};
  const saved = branding.primary_color || currentPrimary();
  const [color, setColor] = useState(saved);
  const [logo, setLogo] = useState(branding.logo_url ?? "");
  const valid = COLOR.test(color);

  // live preview while editing; leaving without saving restores the saved colour
  useEffect(() => {
    if (valid) applyTheme({ primary_color: color });
  }, [color, valid]);
  useEffect(() => () => applyTheme({ primary_color: saved }), [saved]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    const terms = value("payment_terms_days");
    update.mutate(
      {
        name: value("name") ?? entity.name,
        address: value("address"),
        city: value("city"),
        post_code: value("post_code"),
        email: value("email"),
        tax_number: value("tax_number"),
        settings: {
          branding: { primary_color: valid ? color : null, logo_url: logo.trim() || null },
          ...(terms !== null ? { payment_terms_days: Number(terms) } : {}),
          default_note: value("default_note"),
        },
      },
      { onSuccess: () => toast(t("settings.saved")) },
    );
  };

  return (
    <form className="settings" onSubmit={submit}>
      <FieldErrors error={update.error} />
      <fieldset disabled={readOnly}>
        <legend>{t("settings.business")}</legend>
        <div className="grid">
          <label>
            {t("common.name")}
            <input name="name" required defaultValue={entity.name} />
          </label>
          <label>
            {t("common.email")}
            <input name="email" type="email" defaultValue={entity.email ?? ""} />
          </label>
          <label>
            {t("common.address")}
            <input name="address" defaultValue={entity.address ?? ""} />
          </label>
          <label>
            {t("common.postCode")}
            <input name="post_code" defaultValue={entity.post_code ?? ""} className="short" />
          </label>
          <label>
            {t("common.city")}
            <input name="city" defaultValue={entity.city ?? ""} />
          </label>
          <label>
            {t("common.taxNumber")}
            <input name="tax_number" defaultValue={entity.tax_number ?? ""} />
          </label>
          <label>
            {t("settings.paymentTerms")}
            <input name="payment_terms_days" type="number" min={0} max={365} defaultValue={entity.settings.payment_terms_days ?? ""} className="short" />
          </label>
          <label className="grow">
            {t("settings.defaultNote")}
            <input name="default_note" defaultValue={entity.settings.default_note ?? ""} />
          </label>
        </div>
      </fieldset>
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
          <label className="grow">
            {t("settings.logoUrl")}
            <input type="url" value={logo} onChange={(e) => setLogo(e.target.value)} />
          </label>
        </div>
        <p id="color-help" className={valid ? "hint" : "hint error"}>
          {valid ? "" : t("settings.invalidColor")}
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
