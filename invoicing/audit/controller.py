from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.params import Parameter

from invoicing.audit import service
from invoicing.audit.schemas import AuditLog
from invoicing.auth import Perm, Scope
from invoicing.core.http import database
from invoicing.core.paging import page
from invoicing.core.params import Limit
from invoicing.db.models import Event


class AuditLogController(Controller):
    path = "/v1/audit-log"
    tags = ["Audit log"]

    @get(operation_id="listAuditLog", opt={"permission": Perm.AUDIT_READ, "entity_scoped": True},
         summary="Who did what to which object, newest first",
         description="Filter by action (exact, or a prefix ending in `*` such as `invoice.*`), object_id, "
                     "actor (`user:usr_…` or `key:key_…`) and date range.")
    async def list_audit_log(
        self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
        action: str | None = Parameter(default=None, max_length=60), object_id: str | None = None,
        actor: str | None = Parameter(default=None, max_length=80), date_from: date | None = None,
        date_to: date | None = None,
    ) -> AuditLog:
        stmt = service.list_stmt(ctx, action=action, object_id=object_id, actor=actor, date_from=date_from, date_to=date_to)
        async with database(request).transaction(write=False) as session:
            events, next_cursor = await page(session, stmt, Event.id, limit, cursor, lambda e: e)
            return AuditLog(data=await service.entries(session, events), next_cursor=next_cursor)
