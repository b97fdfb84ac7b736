"""Payment reminders in the embedded dashboard: an admin turns them on with days 3 and 10 in Settings (the API's
entity settings say so), and the invoice page shows a reminder the job sent (the job run here, in the test's
process, on the server's database, with an explicit "today")."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard
from invoicing.db import Database
from invoicing.reminders import send_reminders


def run_job(folio: Folio, today: date) -> list[tuple[str, int]]:
    async def go() -> list[tuple[str, int]]:
        db = Database(folio.database_url)
        try:
            return (await send_reminders(db, today=today)).sent
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API runs an event loop in this thread
        return thread.submit(asyncio.run, go()).result()


def test_admin_turns_reminders_on_and_sees_one_sent(page: Page, host: Host, folio: Folio):
    entity_id = folio.entities["B"]["id"]
    frame = open_dashboard(page, host, entity="B", user="b-admin", view="settings")
    expect(frame.get_by_role("heading", name="Settings")).to_be_visible()
    expect(frame.get_by_role("group", name="Payment reminders")).to_be_visible()

    switch = frame.get_by_role("switch", name="E-mail overdue invoices to the buyer")
    expect(switch).not_to_be_checked()
    switch.check()
    for day in (7, 14, 30):
        frame.get_by_role("button", name=f"Remove day {day}", exact=True).click()
    expect(frame.get_by_text("No days: no reminders will go.")).to_be_visible()
    new_day = frame.get_by_role("textbox", name="Days after the due date (1–365)")
    add = frame.get_by_role("button", name="Add day", exact=True)
    new_day.fill("0")
    add.click()
    expect(frame.get_by_role("alert").filter(has_text="Enter a whole number of days from 1 to 365.")).to_be_visible()
    for day in ("10", "3"):
        new_day.fill(day)
        add.click()
    new_day.fill("3")
    new_day.press("Enter")
    expect(frame.get_by_role("alert").filter(has_text="Day 3 is already in the list.")).to_be_visible()
    days = frame.get_by_role("list", name="Reminder days").get_by_role("listitem")
    expect(days).to_have_count(2)
    expect(days.first).to_contain_text("Day 3")
    expect(days.last).to_contain_text("Day 10")

    frame.get_by_role("button", name="Save", exact=True).click()
    expect(frame.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    with folio.api("B") as client:
        settings = client.get(f"/v1/entities/{entity_id}").json()["settings"]
    assert settings["reminders"] == {"enabled": True, "days_after_due": [3, 10]}

    try:
        due = date.today() + timedelta(days=30)  # in the future: the server's own hourly job never reaches it
        invoice = create_invoice(
            folio,
            "B",
            customer={"name": "Kunde AG", "email": "ap@kunde.example", "country": "SI"},
            date_due=due.isoformat(),
            locale="en",
        )
        assert (invoice["id"], 3) in run_job(folio, due + timedelta(days=3))
        frame = open_dashboard(page, host, entity="B", user="b-admin", view=f"invoice/{invoice['id']}")
        reminders = frame.get_by_role("table", name="Payment reminders")
        expect(reminders).to_be_visible()
        row = reminders.get_by_role("row").nth(1)
        expect(row).to_contain_text("Day 3")
        expect(row).to_contain_text("E-mailed")
    finally:
        with folio.api("B") as client:
            client.patch(f"/v1/entities/{entity_id}", json={"settings": {"reminders": {"enabled": False}}})
