from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import Struct


class FileOut(Struct):
    id: str
    object: Literal["file"]
    entity_id: str
    kind: str
    content_type: str
    size: int
    url: str
    """Public, unguessable and immutable: the entity's ``settings.branding.logo_url`` now points here."""
    created_at: datetime
