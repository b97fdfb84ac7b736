"""The dashboard's typed API client is generated from the OpenAPI document and committed; these fail
when either is stale, and say which command refreshes it."""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_unless_ci

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
REFRESH = (
    "run `.venv/bin/python frontend/scripts/dump_openapi.py && (cd frontend && npm run generate)` and commit the result"
)


def _dump_module():
    spec = importlib.util.spec_from_file_location("dump_openapi", FRONTEND / "scripts" / "dump_openapi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_openapi_document_matches_the_app():
    committed = (FRONTEND / "openapi.json").read_text(encoding="utf-8")
    assert _dump_module().render() == committed, f"frontend/openapi.json is stale: {REFRESH}"


def test_committed_typescript_client_matches_the_document(tmp_path):
    generator = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
    if not generator.exists() or shutil.which("node") is None:
        skip_unless_ci("frontend dependencies are not installed (make frontend)")
    out = tmp_path / "schema.d.ts"
    # the same command as `npm run generate`, writing elsewhere
    script = json.loads((FRONTEND / "package.json").read_text(encoding="utf-8"))["scripts"]["generate"]
    argv = [str(out) if arg == "src/api/schema.d.ts" else arg for arg in shlex.split(script)]
    argv[0] = str(generator)
    subprocess.run(argv, cwd=FRONTEND, check=True, capture_output=True)
    committed = (FRONTEND / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, f"frontend/src/api/schema.d.ts is stale: {REFRESH}"
