"""CPU cost of the VAT decision and the rates lookup for a 3-line invoice, in µs per decision (aim: well
under 1 ms).

Eight documents (domestic, reverse charge, intra-Community supply, OSS, seller's rate, export, not
taxable, one with a contradicting explicit tax) are decided in turn, in a rotating locale:

* warm: the rates of a (country, date) were looked up before, as on a server that has run a while;
* cold rates: the rates cache is emptied before every decision (the worst case for a new date);
* first: the first decision of the process (reads the catalogue and Babel's country names).

    .venv/bin/python bench/tax_decision.py [--rounds 7] [--count 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from invoicing.tax import (
    Buyer,
    Line,
    Seller,
    decide,
    rates,
)

DAY = date(2026, 3, 2)
LOCALES = ("en", "de", "sl", "hr", "it", "fr", "es")
GOODS, SERVICES, DIGITAL = Line(kind="goods"), Line(), Line(kind="digital", tax_class="reduced")
CASES = [
    (Seller("SI"), Buyer("SI"), [GOODS, SERVICES, DIGITAL]),
    (Seller("SI"), Buyer("DE", vat_number="DE123456789", vies="valid"), [SERVICES, SERVICES, SERVICES]),
    (Seller("DE"), Buyer("FR", vat_number="FR40303265045", vies="unavailable"), [GOODS, GOODS, SERVICES]),
    (Seller("AT", oss_registered=True), Buyer("FR"), [GOODS, DIGITAL, GOODS]),
    (Seller("IT", eu_b2c_sales_this_year=Decimal(4000)), Buyer("ES"), [GOODS, SERVICES, DIGITAL]),
    (Seller("FR"), Buyer("US"), [GOODS, SERVICES, DIGITAL]),
    (Seller("HR", is_tax_subject=False), Buyer("SI"), [GOODS, SERVICES, SERVICES]),
    (Seller("SI"), Buyer("DE", vat_number="DE123456789", vies="valid"), [SERVICES, Line(taxes=(Decimal(22),)), GOODS]),
]


def per_decision(count: int, clear: bool) -> float:
    start = time.perf_counter()
    for i in range(count):
        seller, buyer, lines = CASES[i % len(CASES)]
        if clear:
            rates._rates.cache_clear()
        decide(seller, buyer, lines, DAY, LOCALES[i % len(LOCALES)])
    return (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    first = per_decision(1, clear=False)
    warm = [per_decision(args.count, clear=False) for _ in range(args.rounds)]
    cold = [per_decision(args.count, clear=True) for _ in range(args.rounds)]
    print(f"first decision in the process: {first:8.1f} µs")
    print(
        f"warm, 3-line invoice:          {statistics.median(warm):8.1f} µs per decision (median of {args.rounds} "
        f"rounds of {args.count}; best {min(warm):.1f})"
    )
    print(f"cold rates, 3-line invoice:    {statistics.median(cold):8.1f} µs per decision (best {min(cold):.1f})")


if __name__ == "__main__":
    main()
