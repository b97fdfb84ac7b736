"""What several unit tests build: an issued invoice row without lines (their totals are applied by the test)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from invoicing.db.models import Document


def issued_invoice(**overrides: Any) -> Document:
    doc = Document(
        id="inv_1",
        entity_id="ent_1",
        type="invoice",
        number="2025-00007",
        status="issued",
        date=date(2025, 3, 1),
        date_due=date(2025, 3, 15),
        date_service=None,
        currency_code="EUR",
        locale="en",
        customer={"id": None, "name": "Buyer"},
        prices_include_tax=False,
        note=None,
        footer=None,
        metadata_={},
        total_paid=Decimal(0),
        total_credited=Decimal(0),
        credit_note_ids=[],
    )
    for key, value in overrides.items():
        setattr(doc, key, value)
    return doc
