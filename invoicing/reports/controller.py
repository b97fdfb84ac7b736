"""Routes: /v1/reports (summary, VAT, usage)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.auth import Perm
from invoicing.core.params import Limit
from invoicing.reports.schemas import GroupBy, SummaryReport, UsageReport, VatReport
from invoicing.reports.service import ReportService

READ = {"permission": Perm.REPORTS_READ}
SCOPE = (
    "With an account key and no `X-Entity-Id` it spans every entity of the account and environment (narrow it "
    "with `entity_ids`, comma-separated); with `X-Entity-Id` or an entity credential it covers that entity. "
    "`date_from`/`date_to` are inclusive (default: 1 January of this year .. today; at most 5 years); "
    "documents count by their own date; drafts and voided invoices count nowhere. Amounts are never summed "
    "across currencies."
)

EntityHeader = Annotated[
    str | None,
    Parameter(header="X-Entity-Id", max_length=40, description="One entity of the account (account keys)"),
]
EntityIds = Annotated[
    str | None,
    Parameter(max_length=4200, description="Account keys: only these entities (comma-separated ids, up to 100)"),
]


class ReportController(Controller):
    path = "/v1/reports"
    tags = ["Reports"]
    dependencies = {"reports": Provide(ReportService, sync_to_thread=False)}

    @get(
        "/summary",
        operation_id="getSummaryReport",
        opt=READ,
        summary="Issued, credited, paid, outstanding and overdue totals per currency",
        description=f"{SCOPE} `group_by`: `month` (every month of the period, in order), `entity` or `customer` "
        "(ordered by net descending; at most 100 customers, the rest in a group `other`). Outstanding and "
        "overdue are what is due on the period's invoices today (`as_of`).",
    )
    async def summary(
        self,
        reports: ReportService,
        x_entity_id: EntityHeader = None,
        entity_ids: EntityIds = None,
        date_from: date | None = None,
        date_to: date | None = None,
        group_by: GroupBy | None = None,
    ) -> SummaryReport:
        return await reports.summary(x_entity_id, entity_ids, date_from, date_to, group_by)

    @get(
        "/vat",
        operation_id="getVatReport",
        opt=READ,
        summary="Net and tax by tax treatment, VAT category and rate (and buyer country for OSS)",
        description=f"{SCOPE} Each row sums the documents' own tax lines; credit notes subtract.",
    )
    async def vat(
        self,
        reports: ReportService,
        x_entity_id: EntityHeader = None,
        entity_ids: EntityIds = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> VatReport:
        return await reports.vat(x_entity_id, entity_ids, date_from, date_to)

    @get(
        "/usage",
        operation_id="getUsageReport",
        opt={"permission": Perm.USAGE_READ},
        summary="Per entity: invoices, credit notes and estimates issued, e-mails sent and active users in a month",
        description="Account keys only. Every entity of the account and environment, ordered by id. `month` is "
        "`YYYY-MM` (default: this month); active users are the entity users who opened a dashboard session "
        "(embedded or /app sign-in) in it.",
    )
    async def usage(
        self,
        reports: ReportService,
        month: Annotated[str | None, Parameter(max_length=7, description="YYYY-MM")] = None,
        limit: Limit = 20,
        cursor: str | None = None,
    ) -> UsageReport:
        return await reports.usage(month, limit, cursor)
