"""Every route of the composed server declares the permission it needs (``invoicing.auth.table``)."""

from __future__ import annotations

import pytest

from folio.server import create_server_app
from invoicing.auth.table import route_permissions
from invoicing.config import Settings


@pytest.fixture(scope="module")
def routes():
    return route_permissions(create_server_app(Settings()))


def test_every_route_declares_a_permission(routes):
    missing = [f"{r.method} {r.path}" for r in routes if r.permission is None]
    assert not missing, f"routes without a permission: {missing}"
    assert len(routes) > 40
