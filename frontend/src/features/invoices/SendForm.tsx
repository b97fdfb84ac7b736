/**
 * E-mail an issued invoice, credit note or estimate: to (the customer's address to start with; several separated by
 * commas), subject and message (left empty: the API writes them in the document's language). The API records
 * the message (`/v1/emails`, listed under the document); a 422 is shown next to its field.
 */
import { type FormEvent, useState } from "react";
import { Field } from "../../components/Field";
import { fieldError } from "../../components/fieldErrors";
import { FieldErrors } from "../../components/FieldErrors";
import { FormButtons } from "../../components/FormButtons";
import { toast } from "../../components/toast";
import { useI18n } from "../../i18n";
import { isCreditNote, isEstimate, type Mailable, useSendDocument } from "./api";

const FIELDS = ["to", "subject", "message"] as const;

/** The recipients as typed: one address, or several separated by commas or semicolons. */
export function recipients(text: string): string | string[] | null {
  const list = text
    .split(/[,;]/)
    .map((address) => address.trim())
    .filter(Boolean);
  return list.length === 0 ? null : list.length === 1 ? list[0] : list;
}

export function SendForm({ doc, onDone }: { doc: Mailable; onDone: () => void }) {
  const { t } = useI18n();
  const send = useSendDocument(doc);
  const [message, setMessage] = useState("");
  const number = { number: doc.number ?? "" };
  const title = isEstimate(doc) ? t("send.estimateTitle", number) : isCreditNote(doc) ? t("send.creditNoteTitle", number) : t("send.invoiceTitle", number);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || null;
    send.mutate(
      { to: recipients(String(form.get("to") ?? "")), subject: value("subject"), message: message.trim() || null },
      {
        onSuccess: (email) => {
          toast(t("send.done", { to: email.to.join(", ") }));
          onDone();
        },
      },
    );
  };
  const messageError = fieldError(send.error, "message");
  return (
    <form className="panel" onSubmit={submit} aria-label={title} noValidate>
      <h2>{title}</h2>
      <FieldErrors error={send.error} shown={FIELDS} />
      <div className="grid">
        <Field label={t("send.to")} name="to" error={send.error} type="text" inputMode="email" autoComplete="off" defaultValue={doc.customer.email ?? ""} grow />
        <Field label={t("send.subject")} name="subject" error={send.error} maxLength={300} placeholder={t("send.defaultHint")} grow />
      </div>
      <label>
        {t("send.message")}
        <textarea
          name="message"
          rows={4}
          maxLength={10000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder={t("send.defaultHint")}
          aria-invalid={messageError ? true : undefined}
        />
        {messageError && <span className="hint error">{messageError}</span>}
      </label>
      <p className="hint">{t("send.attached")}</p>
      <FormButtons label={send.isPending ? t("send.sending") : t("send.submit")} disabled={send.isPending} onCancel={onDone} />
    </form>
  );
}
