/** Create an estimate or edit a draft one, with the invoice's draft editor (`DraftEditor`) and its own saving. */
import { can, getSession } from "../../embed/session";
import { Empty } from "../../components/Empty";
import { ErrorState } from "../../components/ErrorState";
import { Link } from "../../components/Link";
import { Loading } from "../../components/Loading";
import { useI18n } from "../../i18n";
import { useEntity } from "../entity/api";
import { fromInvoice, fromPrefill } from "../invoices/draft";
import { DraftEditor, type DraftSaver } from "../invoices/DraftEditor";
import { useCreateEstimate, useEstimate, useIssueEstimate, useUpdateEstimate } from "./api";
import { estimateBody, estimateChanges } from "./draft";

/** Saving an estimate: created as a draft or issued; a draft changed, then issued when asked. */
export function useEstimateSaver(id?: string): DraftSaver {
  const create = useCreateEstimate();
  const update = useUpdateEstimate(id ?? "");
  const issue = useIssueEstimate();
  return {
    kind: "estimate",
    view: (docId) => `estimate/${docId}`,
    listView: "estimates",
    busy: create.isPending || update.isPending || issue.isPending,
    error: create.error ?? update.error ?? issue.error,
    save: (draft, issued, onSaved) => {
      if (!id) {
        create.mutate({ ...estimateBody(draft), is_draft: !issued }, { onSuccess: (estimate) => onSaved(estimate, issued) });
        return;
      }
      update.mutate(estimateChanges(draft), {
        onSuccess: (estimate) =>
          issued ? issue.mutate(estimate.id, { onSuccess: (est) => onSaved(est, true) }) : onSaved(estimate, false),
      });
    },
  };
}

export default function EstimateEditor({ id }: { id?: string }) {
  const { t } = useI18n();
  const entity = useEntity();
  const existing = useEstimate(id ?? "");
  const saver = useEstimateSaver(id);
  if (!can("documents:write"))
    return (
      <section>
        <h1>{id ? t("estimate.editTitle") : t("estimate.newTitle")}</h1>
        <ErrorState
          error={
            new Error(
              t("error.forbidden", {
                role: t(`role.${getSession()?.role ?? getSession()?.user.role ?? "viewer"}` as never),
                what: t("perm.documents:write"),
              }),
            )
          }
        />
      </section>
    );
  if (id) {
    if (existing.isPending) return <Loading />;
    if (existing.isError) return <ErrorState error={existing.error} onRetry={() => existing.refetch()} />;
    if (existing.data.status !== "draft")
      return (
        <section>
          <h1>{t("estimate.editTitle")}</h1>
          <Empty>{t("editor.onlyDrafts")}</Empty>
          <Link view={`estimate/${id}`}>{t("common.back")}</Link>
        </section>
      );
    return <DraftEditor key={id} initial={fromInvoice(existing.data)} invoiceId={id} saver={saver} />;
  }
  if (entity.isPending && !getSession()?.entity.currency_code) return <Loading />;
  const currency = entity.data?.currency_code ?? (getSession()?.entity.currency_code as string | undefined) ?? "EUR";
  return <DraftEditor initial={fromPrefill(undefined, currency)} saver={saver} />;
}
