"""The package boundaries, checked two ways.

::

    folio/       the composition root: the only package that imports both
      ├── invoicing/   the API of record          never imports bff
      └── bff/         the backend-for-frontend   imports contract and itself, never invoicing
            └── contract/   what both share: no database, ORM or rendering, neither of the others

Statically, over the source of every first-party module; and in a fresh interpreter, where importing
the BFF (and building its app) must leave the database drivers, the ORM, the renderer and every
``invoicing`` module unloaded. No module imports another package's private (``_name``) module.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["invoicing", "bff", "contract", "folio", "tests", "e2e", "bench"]
HEAVY = ("sqlalchemy", "aiosqlite", "asyncpg", "weasyprint", "alembic")

FORBIDDEN = {
    "invoicing": {"bff", "folio"},
    "bff": {"invoicing", "folio"},
    "contract": {"invoicing", "bff", "folio", *HEAVY, "jinja2"},
}


@dataclass(frozen=True)
class Import:
    importer: str
    """The importing module's dotted name."""
    package: str
    """The package the importer belongs to (itself, for an ``__init__``)."""
    module: str
    """The module imported (a ``from x import y`` names ``x.y`` when ``y`` is a module)."""
    line: int

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.module}"


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> list[Import]:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    importer = ".".join(parts)
    package = importer if is_package else ".".join(parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(importer, package, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append(Import(importer, package, base, node.lineno))
            found += [
                Import(importer, package, f"{base}.{alias.name}", node.lineno)
                for alias in node.names
                if _is_module(f"{base}.{alias.name}")
            ]
    return found


def _all_imports() -> list[Import]:
    return [i for source in SOURCES for path in sorted((ROOT / source).rglob("*.py")) for i in _imports(path)]


def _private_parent(module: str) -> str | None:
    """The package a private module belongs to (``bff`` for ``bff._limits.x``), or None for a public path."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_the_source_finds_every_kind_of_import():
    """The checks below see absolute, relative and submodule imports (or they would pass vacuously)."""
    found = {str(i.module) for i in _imports(ROOT / "bff" / "app" / "controller.py")}
    assert {"bff", "bff.app._session", "bff.app._origin", "contract.errors"} <= found
    assert len(_all_imports()) > 500


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_across_its_boundary(package):
    crossing = [
        str(i)
        for i in _all_imports()
        if i.importer.split(".")[0] == package and i.module.split(".")[0] in FORBIDDEN[package]
    ]
    assert crossing == []


def test_no_module_imports_another_packages_private_module():
    reaching_in = [
        str(i) for i in _all_imports() if (parent := _private_parent(i.module)) is not None and i.package != parent
    ]
    assert reaching_in == []


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _of(modules: set[str], *tops: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in tops)


def test_the_bff_runs_without_the_api_the_orm_or_the_renderer():
    loaded = _loaded_after(
        "import bff.app, bff.embed, bff.demo.host\n"
        "from bff.config import BffSettings\n"
        "bff.app.create_bff_app(BffSettings(api_url='http://api.example'))"
    )
    assert "bff.app" in loaded and "contract.schemas" in loaded
    assert _of(loaded, "invoicing", "folio", *HEAVY) == []


def test_the_contract_needs_neither_side():
    loaded = _loaded_after(
        "import contract.addresses, contract.credentials, contract.errors, "
        "contract.permissions, contract.schemas, contract.signing"
    )
    assert _of(loaded, "invoicing", "bff", "folio", "jinja2", *HEAVY) == []


def test_the_api_never_loads_the_bff_and_registers_nothing_on_import():
    loaded = _loaded_after(
        "import invoicing.app, invoicing.embed, invoicing.signin\n"
        "from invoicing.auth.guard import EXTRA_RESOLVERS\n"
        "assert EXTRA_RESOLVERS == {}, EXTRA_RESOLVERS\n"
        "invoicing.embed.register_resolvers()\n"
        "assert sorted(EXTRA_RESOLVERS) == ['embs_', 'embu_'], EXTRA_RESOLVERS"
    )
    assert "invoicing.app" in loaded
    assert _of(loaded, "bff", "folio") == []
