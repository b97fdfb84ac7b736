/**
 * The entity's details and branding. Admins edit; the primary colour previews live through the
 * `--folio-primary` CSS variable (the same hook the shell sets from the saved branding).
 */
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { useEntity } from "../entity/api";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { SettingsForm } from "./SettingsForm";

export default function SettingsPage() {
  const { t } = useI18n();
  const entity = useEntity();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      {!can("entity:write") && <p className="note" role="note">{t("settings.adminOnly")}</p>}
      {entity.isPending ? (
        <Loading />
      ) : entity.isError ? (
        <ErrorState error={entity.error} onRetry={() => entity.refetch()} />
      ) : (
        <SettingsForm entity={entity.data} readOnly={!can("entity:write")} />
      )}
    </section>
  );
}
