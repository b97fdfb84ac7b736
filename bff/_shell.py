"""The dashboard shell: one small HTML page per entity, never cached, around the cached bundle.

::

    GET /embed?entity=ent_…#token=…     (bff.embed; the fragment stays in the browser)
    GET /app, /app/sign-in?entity=…     (bff.app, first-party)
      ├─ the entity's branding → CSS variables on :root (--folio-primary, --folio-logo-url), its locale
      ├─ <script id="folio-config" type="application/json" nonce>  the dashboard's configuration, with
      │                                 the mode the caller names (where the dashboard sends its calls)
      ├─ the Vite bundle's entry, found in frontend/dist/.vite/manifest.json (key "index.html")
      └─ headers: CSP with a per-response nonce and frame-ancestors = the origins the caller passes
                  (the embed: the account's embed_allowed_origins; 'none' when there are none),
                  Referrer-Policy: no-referrer, Cache-Control: no-store
    GET /static/assets/<hashed file>    Cache-Control: public, max-age=31536000, immutable
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bff.config import ROOT

TEMPLATES = ROOT / "templates"
MANIFEST = Path(".vite") / "manifest.json"
ENTRY = "index.html"
DEFAULT_PRIMARY = "#1d4ed8"
IMMUTABLE = "public, max-age=31536000, immutable"

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CSS_SAFE = re.compile(r"[A-Za-z0-9:/.?=&%_\-~+,;@!$*]")

templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)


class BundleMissing(Exception):
    """The dashboard has not been built (``make frontend``)."""


@dataclass(frozen=True)
class BundleEntry:
    script: str
    css: list[str] = field(default_factory=list)
    preloads: list[str] = field(default_factory=list)


class Bundle:
    """The built dashboard, read from Vite's manifest (re-read when the file changes)."""

    def __init__(self, directory: Path, base: str = "/static/"):
        self.directory = directory
        self.base = base
        self._cached: tuple[float, BundleEntry] | None = None

    def entry(self) -> BundleEntry:
        path = self.directory / MANIFEST
        try:
            mtime = path.stat().st_mtime
        except OSError:
            raise BundleMissing(f"{path} does not exist") from None
        if self._cached and self._cached[0] == mtime:
            return self._cached[1]
        try:
            manifest = json.loads(path.read_text())
            main = manifest[ENTRY]
            preloads = [self.base + manifest[key]["file"] for key in main.get("imports", []) if key in manifest]
            css = [self.base + c for c in main.get("css", [])]
            for key in main.get("imports", []):
                css += [self.base + c for c in manifest.get(key, {}).get("css", []) if self.base + c not in css]
            entry = BundleEntry(script=self.base + main["file"], css=css, preloads=preloads)
        except (ValueError, KeyError, TypeError) as exc:
            raise BundleMissing(f"{path} has no '{ENTRY}' entry ({exc})") from None
        self._cached = (mtime, entry)
        return entry

    def asset(self, relative: str) -> Path | None:
        """A file under the bundle directory; ``None`` for anything else (no traversal, no dot files)."""
        parts = relative.strip("/").split("/")
        if not relative or any(not p or p.startswith(".") for p in parts):
            return None
        root = self.directory.resolve()
        path = (root / "/".join(parts)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path


_ENTITY_ID = re.compile(r"^ent_[A-Za-z0-9]{1,60}$")


def is_entity_id(value: str) -> bool:
    return bool(_ENTITY_ID.match(value))


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def safe_origins(origins: list[str] | None) -> list[str]:
    return [o for o in (origins or []) if isinstance(o, str) and _ORIGIN.match(o)]


def content_security_policy(nonce: str, frame_ancestors: list[str]) -> str:
    ancestors = " ".join(safe_origins(frame_ancestors)) or "'none'"
    images = " ".join(["'self'", "data:", "blob:", "https:", *safe_origins(frame_ancestors)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "style-src-attr 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


def shell_headers(nonce: str, frame_ancestors: list[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(nonce, frame_ancestors),
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def _css_string(value: str) -> str:
    """A CSS string literal that cannot end the string, the declaration or the <style> element."""
    return '"' + "".join(ch if _CSS_SAFE.match(ch) else f"\\{ord(ch):x} " for ch in value) + '"'


def branding_css(branding: dict[str, Any]) -> str:
    primary = branding.get("primary_color")
    primary = primary if isinstance(primary, str) and _COLOR.match(primary) else DEFAULT_PRIMARY
    logo = branding.get("logo_url")
    logo_css = (
        f"url({_css_string(logo)})" if isinstance(logo, str) and logo.startswith(("https://", "http://")) else "none"
    )
    return f":root {{ --folio-primary: {primary}; --folio-logo-url: {logo_css}; }}"


def dashboard_config(shell: dict[str, Any] | None, mode: dict[str, str]) -> dict[str, Any]:
    """The ``#folio-config`` JSON: ``mode`` says where the dashboard talks to (the embed's URLs, or the
    standalone dashboard's), the rest is the entity's locale and branding."""
    entity = (shell or {}).get("entity") or {}
    branding = entity.get("branding") or {}
    primary = branding.get("primary_color")
    return {
        **mode,
        "locale": entity.get("locale") or "en",
        "branding": {
            "primary_color": primary if isinstance(primary, str) and _COLOR.match(primary) else DEFAULT_PRIMARY,
            "logo_url": branding.get("logo_url"),
        },
        "entityId": entity.get("id"),
        "entityName": entity.get("name"),
    }


def render_shell(shell: dict[str, Any] | None, bundle: BundleEntry, nonce: str, mode: dict[str, str]) -> str:
    config = dashboard_config(shell, mode)
    return templates.get_template("embed/shell.html").render(
        nonce=nonce,
        config=config,
        locale=config["locale"],
        title=config["entityName"] or "Folio",
        css_vars=branding_css(config["branding"]),
        bundle=bundle,
    )


def render_missing_bundle(reason: str, nonce: str) -> str:
    return templates.get_template("embed/bundle_missing.html").render(reason=reason, nonce=nonce)


@dataclass(frozen=True)
class ShellPage:
    html: str
    status: int
    headers: dict[str, str]


def shell_page(
    bundle: Bundle, shell: dict[str, Any] | None, mode: dict[str, str], frame_ancestors: list[str]
) -> ShellPage:
    """The shell for the entity ``shell`` describes (``None``: unbranded), or 503 while the bundle is missing."""
    nonce = new_nonce()
    headers = shell_headers(nonce, frame_ancestors)
    try:
        entry = bundle.entry()
    except BundleMissing as exc:
        return ShellPage(render_missing_bundle(str(exc), nonce), 503, headers)
    return ShellPage(render_shell(shell, entry, nonce, mode), 200, headers)
