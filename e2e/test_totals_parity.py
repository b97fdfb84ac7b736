"""The draft editor's live totals (frontend/src/lib/totals.ts) equal the server's (invoicing/core/totals.py)
on many generated documents: net and gross prices, discounts, several rates, EUR/JPY/BHD."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

from invoicing.core.totals import Line, Tax, compute_totals
from tests.conftest import skip_unless_ci

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"

RUNNER = """import {computeTotals, minorUnit} from "./totals.js";
import {toFixed} from "./decimal.js";
import fs from "fs";
const cases = JSON.parse(fs.readFileSync("cases.json", "utf8"));
console.log(JSON.stringify(cases.map((c) => {
  const t = computeTotals(c.lines, c.currency, c.gross);
  const s = minorUnit(c.currency);
  const taxes = t.taxes.map((x) => [x.name, toFixed(x.base, s), toFixed(x.amount, s)]);
  return [toFixed(t.total, s), toFixed(t.totalTax, s), toFixed(t.totalWithTax, s), taxes];
})));
"""


def _cases(n: int = 500) -> list[dict]:
    rng = random.Random(20260101)
    cases = []
    for _ in range(n):
        lines = []
        for _ in range(rng.randint(1, 6)):
            lines.append(
                {
                    "quantity": str(Decimal(rng.randint(1, 5000)) / rng.choice([1, 10, 100, 1000])),
                    "price": str(Decimal(rng.randint(-1000, 999999)) / rng.choice([1, 100, 1000])),
                    "discount": rng.choice(["0", "0", "7.5", "12.345", "100", "33"]),
                    "taxes": [{"rate": r} for r in rng.choice([[], ["19"], ["22"], ["9.5"], ["19", "5"], ["7"]])],
                }
            )
        cases.append(
            {"currency": rng.choice(["EUR", "JPY", "BHD", "USD"]), "gross": rng.random() < 0.3, "lines": lines}
        )
    return cases


def test_live_totals_equal_the_servers(tmp_path):
    tsc = FRONTEND / "node_modules" / ".bin" / "tsc"
    if not tsc.exists() or shutil.which("node") is None:
        skip_unless_ci("frontend dependencies are not installed (make frontend)")
    subprocess.run(
        [
            str(tsc),
            "src/lib/decimal.ts",
            "src/lib/totals.ts",
            "--outDir",
            str(tmp_path),
            "--module",
            "es2022",
            "--target",
            "es2022",
            "--moduleResolution",
            "bundler",
        ],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
    )
    totals_js = tmp_path / "totals.js"
    totals_js.write_text(totals_js.read_text().replace('from "./decimal"', 'from "./decimal.js"'))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "run.mjs").write_text(RUNNER)
    cases = _cases()
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    out = json.loads(
        subprocess.run(["node", "run.mjs"], cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    )

    for case, (total, tax, with_tax, taxes) in zip(cases, out, strict=True):
        lines = [
            Line(
                quantity=Decimal(x["quantity"]),
                price=Decimal(x["price"]),
                discount=Decimal(x["discount"]),
                taxes=tuple(Tax(rate=Decimal(t["rate"])) for t in x["taxes"]),
            )
            for x in case["lines"]
        ]
        server = compute_totals(lines, case["currency"], prices_include_tax=case["gross"])
        assert (Decimal(total), Decimal(tax), Decimal(with_tax)) == (
            server.total,
            server.total_tax,
            server.total_with_tax,
        ), case
        assert [(n, Decimal(b), Decimal(a)) for n, b, a in taxes] == [
            (t.name, t.base, t.amount) for t in server.taxes
        ], case
