/** The advance invoices: the newest first, filtered by status (kept in the URL), each with what is still due. */
import { can } from "../../embed/session";
import { useI18n } from "../../i18n";
import { navigate, useLocation } from "../../router";
import { Link } from "../../components/Link";
import { Money } from "../../components/Money";
import { QueryResult } from "../../components/QueryResult";
import { StatusBadge } from "../../components/StatusBadge";
import { ADVANCE_STATUSES, type AdvanceStatus, useAdvanceInvoices } from "./api";
import { Empty } from "../../components/Empty";

export default function AdvanceList() {
  const { t, date } = useI18n();
  const { params } = useLocation();
  const given = params.get("status");
  const status = ADVANCE_STATUSES.find((s) => s === given) as AdvanceStatus | undefined;
  const query = useAdvanceInvoices({ status, cursor: params.get("cursor") ?? undefined });
  return (
    <section aria-labelledby="advances-title">
      <div className="page-head">
        <h1 id="advances-title">{t("advances.title")}</h1>
        {can("documents:write") && (
          <button type="button" className="button primary" onClick={() => navigate("advance/new")}>
            {t("advances.new")}
          </button>
        )}
      </div>
      <label>
        {t("invoices.status")}
        <select value={status ?? ""} onChange={(e) => navigate("advances", { status: e.target.value || null }, { replace: true })}>
          <option value="">{t("invoices.anyStatus")}</option>
          {ADVANCE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <QueryResult query={query}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>{t("advances.empty")}</Empty>
          ) : (
            <table aria-label={t("advances.title")}>
              <thead>
                <tr>
                  <th scope="col">{t("invoices.number")}</th>
                  <th scope="col">{t("invoices.customer")}</th>
                  <th scope="col">{t("common.date")}</th>
                  <th scope="col">{t("invoices.status")}</th>
                  <th scope="col" className="num">
                    {t("invoices.total")}
                  </th>
                  <th scope="col" className="num">
                    {t("invoices.due")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((adv) => (
                  <tr key={adv.id}>
                    <td className="nowrap">
                      <Link view={`advance/${adv.id}`}>{adv.number}</Link>
                    </td>
                    <td>{adv.customer.name}</td>
                    <td className="nowrap">{date(adv.date)}</td>
                    <td>
                      <StatusBadge status={adv.status} />
                    </td>
                    <td className="num">
                      <Money amount={adv.total_with_tax} currency={adv.currency_code} />
                    </td>
                    <td className="num">
                      <Money amount={adv.total_due} currency={adv.currency_code} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryResult>
    </section>
  );
}
