# Folio: `make run` starts everything on SQLite; `make test` runs every test.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
export FOLIO_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint install deps system-deps frontend unit integration e2e bench clean

$(UV):
	python3 -m pip install --quiet --target .tools/lib uv && mkdir -p .tools/bin && \
	  printf '#!/bin/sh\nPYTHONPATH=%s/.tools/lib exec python3 -m uv "$$@"\n' "$(CURDIR)" > .tools/bin/uv && chmod +x .tools/bin/uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3.11
	touch $@

deps: .venv/.installed

# fonts: DejaVu (Latin, Greek, Cyrillic, Hebrew…), Noto CJK (Chinese, Japanese, Korean), Noto Color Emoji
system-deps:
	@fonts="$$(fc-list : family 2>/dev/null)"; \
	if ! command -v chromium >/dev/null 2>&1 || ! grep -qi "dejavu sans" <<<"$$fonts" \
	    || ! grep -qi "noto sans cjk" <<<"$$fonts" || ! grep -qi "noto color emoji" <<<"$$fonts"; then \
	  echo "installing Debian packages (chromium, fonts)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core \
	    fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# type-check and build the dashboard bundle (served by the BFF from frontend/dist)
frontend: $(if $(wildcard frontend/package.json),frontend/node_modules/.installed)
	@if [ -f frontend/package.json ]; then cd frontend && npm run typecheck && npm run build; fi

install: deps system-deps frontend

run: install
	$(PY) -m folio.cli demo

unit: deps
	$(PY) -m pytest tests/unit -q

integration: deps
	$(PY) -m pytest tests/integration -q

e2e: install
	$(PY) -m pytest e2e -q

# ruff (lint and format check) and mypy on the Python code; the dashboard's `npm run lint` and `npm test`
# (its tsc type check runs in `make frontend`)
lint: deps $(if $(wildcard frontend/package.json),frontend/node_modules/.installed)
	.venv/bin/ruff check
	.venv/bin/ruff format --check
	.venv/bin/mypy
	@if [ -f frontend/package.json ]; then cd frontend && npm run lint && npm test; fi

test: install lint
	$(PY) -m pytest -q

# every benchmark in bench/, each with quick settings (see each script's --help for the full-size runs);
# SQLite and the PostgreSQL of FOLIO_TEST_POSTGRES_URL; not part of `make test`
bench: install
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/issue_invoices.py
	$(PY) bench/issue_floor.py
	$(PY) bench/render_pdf.py --quick --seconds 3
	$(PY) bench/embed_proxy.py --requests 600 --rounds 3
	$(PY) bench/memory.py --invoices 1000 --renders 20
	$(PY) bench/exports.py --sizes 10000
	$(PY) bench/reports_scale.py --entities 100 --documents 10000 --runs 50 --account-runs 5
	$(PY) bench/webhook_delivery.py --seconds 5 --closed-seconds 5
	$(PY) bench/tax_decision.py
	$(PY) bench/einvoice.py --runs 50
	$(PY) bench/dashboard.py

clean:
	rm -rf .venv .tools var
