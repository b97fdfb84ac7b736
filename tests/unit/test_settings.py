"""Entity settings: stored JSON (only what was set) read as typed settings over the defaults."""

from __future__ import annotations

import pytest

from contract.errors import ValidationFailed
from contract.schemas import NumberingSettings, ReminderSettings, TaxSettings
from invoicing.db.models import Entity
from invoicing.emails.records import Sender
from invoicing.entities.schemas import Branding, EinvoiceSettings, EmailDefaults, EntitySettings, NumberFormats
from invoicing.entities.settings import DEFAULTS, as_schema, check, effective, merged, number_format


def test_nothing_stored_gives_the_defaults():
    settings = effective(None)
    assert settings == DEFAULTS == effective({})
    assert (settings.payment_terms_days, settings.pdf_template, settings.branding.primary_color) == (
        14,
        "classic",
        "#1d4ed8",
    )
    assert settings.number_formats.of("credit_note").pattern == "CN-{yyyy}-{nnnnn}"
    assert settings.number_formats.of("estimate").pattern == "EST-{yyyy}-{nnnnn}"
    assert settings.number_formats.of("advance_invoice").pattern == "ADV-{yyyy}-{nnnnn}"


def test_stored_values_override_and_a_stored_null_stays_null():
    settings = effective(
        {"branding": {"primary_color": None}, "email": {"reply_to": "a@b.example"}, "payment_terms_days": 30}
    )
    assert settings.branding.primary_color is None and settings.branding.logo_url is None
    assert settings.email.reply_to == "a@b.example" and settings.email.sender_name is None
    assert settings.payment_terms_days == 30 and settings.bank_account.iban is None


def test_the_api_view_shows_every_effective_field():
    out = as_schema(effective({"footer": "Thanks"}), "SI")
    assert out == EntitySettings(
        branding=Branding(logo_url=None, primary_color="#1d4ed8"),
        number_formats=NumberFormats(
            invoice="{yyyy}-{nnnnn}",
            credit_note="CN-{yyyy}-{nnnnn}",
            estimate="EST-{yyyy}-{nnnnn}",
            advance_invoice="ADV-{yyyy}-{nnnnn}",
        ),
        payment_terms_days=14,
        payment_terms_text=None,
        default_note=None,
        footer="Thanks",
        bank_account=as_schema(DEFAULTS, "SI").bank_account,
        pdf_template="classic",
        email=EmailDefaults(sender_name=None, reply_to=None),
        tax=TaxSettings(oss_registered=False, vies_check=True),
        numbering=NumberingSettings(allow_backdating=False),
        einvoice=EinvoiceSettings(pdf=True),
        reminders=ReminderSettings(enabled=False, days_after_due=[7, 14, 30]),
    )
    # settings.einvoice.pdf defaults to true in the EU only; set, it is what was set
    assert as_schema(effective({}), "CH").einvoice == EinvoiceSettings(pdf=False)
    assert as_schema(effective({"einvoice": {"pdf": False}}), "DE").einvoice == EinvoiceSettings(pdf=False)


def test_a_patch_merges_into_what_is_stored():
    stored = {"branding": {"primary_color": "#000000"}, "footer": "Old"}
    patch = EntitySettings(branding=Branding(logo_url="https://x.example/l.png"), payment_terms_days=7)
    assert merged(stored, patch) == {
        "branding": {"primary_color": "#000000", "logo_url": "https://x.example/l.png"},
        "footer": "Old",
        "payment_terms_days": 7,
    }
    assert stored == {"branding": {"primary_color": "#000000"}, "footer": "Old"}


def test_number_format_reads_the_stored_pattern_or_the_default():
    assert number_format({"number_formats": {"invoice": "INV-{nnnn}"}}, "invoice").pattern == "INV-{nnnn}"
    assert number_format({"number_formats": {"invoice": "INV-{nnnn}"}}, "credit_note").pattern == "CN-{yyyy}-{nnnnn}"
    assert number_format(None, "invoice").pattern == "{yyyy}-{nnnnn}"


@pytest.mark.parametrize(
    "stored,field",
    [
        ({"number_formats": {"credit_note": "CN"}}, "settings.number_formats.credit_note"),
        ({"bank_account": {"iban": "SI56 0000"}}, "settings.bank_account.iban"),
    ],
)
def test_check_refuses_what_cannot_work(stored, field):
    with pytest.raises(ValidationFailed) as caught:
        check(stored)
    assert field in str(caught.value.errors)


def test_one_sender_rule_for_every_email():
    entity = Entity(name="Seller\n  Inc.", email="billing@seller.example", settings={})
    assert Sender.of(entity) == Sender("Seller Inc.", "billing@seller.example")
    entity.settings = {"email": {"sender_name": " Billing ", "reply_to": " accounts@seller.example"}}
    assert Sender.of(entity) == Sender("Billing", "accounts@seller.example")
    entity.settings = {"email": {"reply_to": "not-an-address@x"}}
    with pytest.raises(ValidationFailed):
        Sender.of(entity)


def test_a_reply_to_that_mail_cannot_be_sent_to_is_refused_when_stored():
    with pytest.raises(ValidationFailed) as refused:
        check({"email": {"reply_to": "billing@seller.x"}})
    assert refused.value.errors[0]["field"] == "settings.email.reply_to"
    assert check({"email": {"reply_to": "billing@seller.example"}}).email.reply_to == "billing@seller.example"


def test_reminder_days_must_be_distinct_and_are_stored_sorted():
    stored = {"reminders": {"enabled": True, "days_after_due": [30, 7, 14]}}
    assert check(stored).reminders.days_after_due == (7, 14, 30)
    assert stored["reminders"]["days_after_due"] == [7, 14, 30]
    with pytest.raises(ValidationFailed) as exc:
        check({"reminders": {"days_after_due": [7, 14, 7]}})
    assert exc.value.errors == [{"field": "settings.reminders.days_after_due[2]", "message": "7 is listed twice"}]
    # a PATCH of one field keeps the other
    kept = merged(stored, EntitySettings(reminders=ReminderSettings(enabled=False)))
    assert kept["reminders"] == {"enabled": False, "days_after_due": [7, 14, 30]}
