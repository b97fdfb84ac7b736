from tests.integration.conftest import INVOICE


def test_issue_invoice(tenant):
    r = tenant.api.post("/v1/invoices", json=INVOICE)
    assert r.status_code == 201, r.text
    inv = r.json()
    assert inv["total"] == "99.00" and inv["total_tax"] == "21.78" and inv["total_with_tax"] == "120.78"
    assert inv["status"] == "issued" and inv["number"].endswith("-00001")
