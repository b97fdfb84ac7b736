"""Routes: the member states' VAT rates, and a VAT number checked against VIES."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.auth import Perm
from invoicing.taxes.schemas import TaxRates, VatNumberCheck, VatNumberResult
from invoicing.taxes.service import TaxRateService, VatNumberService
from invoicing.taxes.vies import provide_vies

READ = {"permission": Perm.TAX_READ}


class TaxRateController(Controller):
    path = "/v1/tax-rates"
    tags = ["Tax"]
    dependencies = {"tax_rates": Provide(TaxRateService, sync_to_thread=False)}

    @get(
        operation_id="listTaxRates",
        opt=READ,
        summary="The EU member states' VAT rates by tax class",
        description="With `country` (ISO 3166-1 alpha-2; `EL` is read as `GR`) one member state, else all 27. "
        "Each rate carries the document date it holds from; `date` (default today) picks the rates in force "
        "then. A country outside the EU answers 422 naming `country`.",
    )
    async def list_tax_rates(
        self,
        tax_rates: TaxRateService,
        country: str | None = Parameter(default=None, max_length=2),
        date: dt.date | None = None,
    ) -> TaxRates:
        return tax_rates.rates(country, date)


class VatNumberController(Controller):
    path = "/v1/vat-numbers"
    tags = ["Tax"]
    dependencies = {
        "vat_numbers": Provide(VatNumberService, sync_to_thread=False),
        "vies": Provide(provide_vies, sync_to_thread=False),
    }

    @post(
        "/check",
        operation_id="checkVatNumber",
        opt=READ,
        status_code=200,
        summary="Check a VAT number: syntax and checksum, then VIES",
        description="A malformed number answers 422 naming `vat_number`, with the member state's format. "
        "VIES's answers are kept for 24 hours and shared. When VIES cannot answer (a member state down, "
        "a timeout, an error) the number counts as valid for now: `valid: true`, `status: unavailable`, "
        "not kept, so the next check asks VIES again.",
    )
    async def check_vat_number(self, data: VatNumberCheck, vat_numbers: VatNumberService) -> VatNumberResult:
        return await vat_numbers.check(data)
