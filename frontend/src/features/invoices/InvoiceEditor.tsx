/** Create an invoice or edit a draft: who may, whether the invoice is still a draft, and where the draft starts. */
import type { Prefill } from "../../embed/host";
import { can, getSession } from "../../embed/session";
import { Empty } from "../../components/Empty";
import { ErrorState } from "../../components/ErrorState";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { useI18n } from "../../i18n";
import { useLocation } from "../../router";
import { useEntity } from "../entity/api";
import { useCreateInvoice, useFinalize, useInvoice, useUpdateInvoice } from "./api";
import { draftBody, draftChanges, fromInvoice, fromPrefill } from "./draft";
import { DraftEditor, type DraftSaver } from "./DraftEditor";

/** Saving an invoice: created as a draft or issued; a draft changed, then issued when asked. */
export function useInvoiceSaver(id?: string): DraftSaver {
  const create = useCreateInvoice();
  const update = useUpdateInvoice(id ?? "");
  const finalize = useFinalize();
  return {
    kind: "invoice",
    view: (docId) => `invoice/${docId}`,
    listView: "invoices",
    busy: create.isPending || update.isPending || finalize.isPending,
    error: create.error ?? update.error ?? finalize.error,
    save: (draft, issue, onSaved) => {
      if (!id) {
        create.mutate({ ...draftBody(draft), is_draft: !issue }, { onSuccess: (invoice) => onSaved(invoice, issue) });
        return;
      }
      update.mutate(draftChanges(draft), {
        onSuccess: (invoice) => (issue ? finalize.mutate(invoice.id, { onSuccess: (inv) => onSaved(inv, true) }) : onSaved(invoice, false)),
      });
    },
  };
}

export default function InvoiceEditor({ id }: { id?: string }) {
  const { t } = useI18n();
  const { state } = useLocation();
  const entity = useEntity();
  const existing = useInvoice(id ?? "");
  const saver = useInvoiceSaver(id);
  if (!can("documents:write"))
    return (
      <section>
        <h1>{id ? t("editor.editTitle") : t("editor.newTitle")}</h1>
        <ErrorState error={new Error(t("error.forbidden", { role: t(`role.${getSession()?.role ?? getSession()?.user.role ?? "viewer"}` as never), what: t("perm.documents:write") }))} />
      </section>
    );
  if (id) {
    if (existing.isPending) return <Loading />;
    if (existing.isError) return <ErrorState error={existing.error} onRetry={() => existing.refetch()} />;
    if (existing.data.status !== "draft")
      return (
        <section>
          <h1>{t("editor.editTitle")}</h1>
          <Empty>{t("editor.onlyDrafts")}</Empty>
          <Link view={`invoice/${id}`}>{t("common.back")}</Link>
        </section>
      );
    return <DraftEditor key={id} initial={fromInvoice(existing.data)} invoiceId={id} saver={saver} />;
  }
  if (entity.isPending && !getSession()?.entity.currency_code) return <Loading />;
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  const prefill = (state as { prefill?: Prefill } | null)?.prefill;
  return <DraftEditor key={JSON.stringify(prefill ?? null)} initial={fromPrefill(prefill, currency)} saver={saver} />;
}
