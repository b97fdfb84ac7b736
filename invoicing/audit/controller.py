"""Routes: the entity's audit log."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.audit.schemas import AuditLog
from invoicing.audit.service import AuditLogService
from invoicing.auth import Perm
from invoicing.core.params import Limit


class AuditLogController(Controller):
    path = "/v1/audit-log"
    tags = ["Audit log"]
    dependencies = {"audit_log": Provide(AuditLogService, sync_to_thread=False)}

    @get(
        operation_id="listAuditLog",
        opt={"permission": Perm.AUDIT_READ, "entity_scoped": True},
        summary="Who did what to which object, newest first",
        description="Filter by action (exact, or a prefix ending in `*` such as `invoice.*`), object_id, "
        "actor (`user:usr_…` or `key:key_…`) and date range.",
    )
    async def list_audit_log(
        self,
        audit_log: AuditLogService,
        limit: Limit = 20,
        cursor: str | None = None,
        action: str | None = Parameter(default=None, max_length=60),
        object_id: str | None = None,
        actor: str | None = Parameter(default=None, max_length=80),
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> AuditLog:
        return await audit_log.list(
            limit, cursor, action=action, object_id=object_id, actor=actor, date_from=date_from, date_to=date_to
        )
