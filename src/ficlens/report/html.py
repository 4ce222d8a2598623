"""Turn report data into one self-contained HTML file: styles, script and data all inline.

The data travels as JSON inside `<script type="application/json">`, with `<`, `>`, `&` and
U+2028/U+2029 escaped so no story text can close the element or start markup; the page's
script reads it with `JSON.parse` and builds the DOM with `textContent` only. A Content
Security Policy allows exactly our own inline script (by hash) and forbids every network
request, so the page opens from disk, offline, and injected markup could not run anyway.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib import resources
from typing import Any

JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
ESCAPE_TABLE = {ord(k): v for k, v in JSON_ESCAPES.items()}


@cache
def asset(name: str) -> str:
    """A file from report/assets, shipped as package data."""
    return resources.files("ficlens.report").joinpath("assets", name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no character can end it or open a tag."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw.translate(ESCAPE_TABLE)


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(kind: str, title: str, data: Any) -> str:
    """The page for `kind` ("story" or "corpus") with `data` embedded."""
    script = "\n" + asset("common.js") + "\n" + asset(f"{kind}.js") + "\n"
    csp = (
        "default-src 'none'; "
        f"script-src '{script_hash(script)}'; "
        "style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    page = asset("page.html")
    replacements = {
        "{{CSP}}": html.escape(csp, quote=False).replace('"', "&quot;"),
        "{{TITLE}}": html.escape(title, quote=False),
        "{{KIND}}": kind,
        "{{CSS}}": asset("style.css"),
        "{{DATA}}": embed_json(data),
        "{{SCRIPT}}": script,
    }
    out = []
    rest = page
    # Substitute placeholders in one left-to-right pass, so data can never be re-expanded.
    while True:
        i = rest.find("{{")
        if i < 0:
            out.append(rest)
            break
        j = rest.find("}}", i)
        key = rest[i : j + 2]
        out.append(rest[:i])
        out.append(replacements.get(key, key))
        rest = rest[j + 2 :]
    return "".join(out)
