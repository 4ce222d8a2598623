"""EPUB: the OPF spine in order, each XHTML document parsed safely, in memory.

AO3's calibre EPUB and FanFicFare's EPUB get their own structure rules; any other EPUB
becomes paragraphs for the text stages. Dublin Core metadata from the OPF fills keys the
pages themselves do not declare.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import unquote

from ficlens.document import Document, Source
from ficlens.errors import InputError
from ficlens.readers.safety import SafeZip, parse_markup, parse_xml, unsafe_member_name

CONTAINER = "META-INF/container.xml"
XHTML_TYPES = ("application/xhtml+xml", "text/html", "application/xml")


def children(el: Any, name: str) -> list[Any]:
    """Descendants with local name `name`, namespace or not (OPF files vary)."""
    return el.xpath(f".//*[local-name()='{name}']")


def opf_path(zf: SafeZip) -> str:
    if CONTAINER not in zf:
        if any(m.endswith(".opf") for m in zf.members):
            return next(m for m in zf.members if m.endswith(".opf"))
        raise InputError(
            zf.name, "binary data (a ZIP archive that is not an EPUB: no META-INF/container.xml)"
        )
    container = parse_xml(zf.read(CONTAINER), zf.name)
    for rootfile in children(container, "rootfile"):
        path = rootfile.get("full-path")
        if path:
            return path
    raise InputError(zf.name, "EPUB container names no package (OPF) file")


def spine_members(zf: SafeZip, opf: Any, base: str) -> list[str]:
    """Member names of the spine documents, in reading order."""
    manifest = {}
    for item in children(opf, "item"):
        href = item.get("href")
        if item.get("id") and href:
            manifest[item.get("id")] = (href, item.get("media-type") or "")
    out = []
    for ref in children(opf, "itemref"):
        href, media = manifest.get(ref.get("idref"), ("", ""))
        if not href or (media and media not in XHTML_TYPES):
            continue
        member = posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))
        if unsafe_member_name(member):
            raise InputError(zf.name, f"EPUB spine points outside the archive: {href!r}")
        if member in zf:
            out.append(member)
    return out


def opf_metadata(opf: Any) -> dict[str, Any]:
    def texts(name: str) -> list[str]:
        return [
            " ".join((e.text or "").split()) for e in children(opf, name) if (e.text or "").strip()
        ]

    meta: dict[str, Any] = {}
    if texts("title"):
        meta["title"] = texts("title")[0]
    creators = texts("creator")
    if creators:
        meta["authors"] = creators
    if texts("language"):
        meta["language"] = texts("language")[0]
    if texts("description"):
        from lxml import html

        raw = texts("description")[0]
        try:
            meta["summary"] = " ".join(
                html.fragment_fromstring(raw, create_parent="div").text_content().split()
            )
        except Exception:  # noqa: BLE001 - a description that is not markup stays as written
            meta["summary"] = raw
    if texts("subject"):
        meta["subjects"] = texts("subject")
    if texts("publisher"):
        meta["publisher"] = texts("publisher")[0]
    return meta


def read_epub(data: bytes, source: Source) -> Document:
    """An EPUB file to a Document, refusing archives that are not EPUBs or are hostile."""
    from ficlens.readers.ao3 import is_ao3, read_ao3
    from ficlens.readers.fff import is_fff_epub, read_fff_markup
    from ficlens.readers.html import generic_classify, require_story
    from ficlens.readers.markup import assemble, flatten

    zf = SafeZip(data, source.path)
    path = opf_path(zf)
    opf = parse_xml(zf.read(path), source.path)
    members = spine_members(zf, opf, posixpath.dirname(path))
    if not members:
        raise InputError(source.path, "EPUB has no readable documents in its spine")
    roots = []
    for member in members:
        root = parse_markup(zf.read(member), f"{source.path}:{member}")
        body = root.find(".//body")
        roots.append(body if body is not None else root)
    declared = opf_metadata(opf)
    try:
        if is_ao3(roots):
            doc = read_ao3(roots, source)
        elif is_fff_epub(roots):
            doc = read_fff_markup(roots, source)
        else:
            doc = assemble(flatten(roots, generic_classify), source)
    except RecursionError:
        raise InputError(source.path, "markup is nested too deeply") from None
    for key, value in declared.items():
        doc.metadata.setdefault(key, value)
    return require_story(doc, source)
