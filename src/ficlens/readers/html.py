"""HTML story files: AO3 and FanFicFare downloads by their layout, anything else as paragraphs."""

from __future__ import annotations

import codecs
from typing import Any

from ficlens.document import Document, Source
from ficlens.errors import InputError
from ficlens.readers.markup import KEEP, SKIP, Rule, assemble, flatten
from ficlens.readers.safety import binary_reason, parse_markup

NON_STORY_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})


def generic_classify(el: Any, region: str | None) -> Rule:
    """Unknown sites: drop navigation chrome, keep every other paragraph for the text stages."""
    return SKIP if el.tag.lower() in NON_STORY_TAGS else KEEP


def story_roots(root: Any) -> list[Any]:
    body = root.find(".//body")
    return [body if body is not None else root]


def require_story(doc: Document, source: Source) -> Document:
    if not any(doc.text[s:e].strip() for s, e in doc.story_regions()):
        raise InputError(source.path, "no story text found in the markup")
    return doc


def read_html(data: bytes, source: Source) -> Document:
    """One HTML file to a Document; the site layout decides how structure is recovered."""
    from ficlens.readers.ao3 import is_ao3, read_ao3
    from ficlens.readers.fff import is_fff_html, read_fff_html

    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reason = binary_reason(data)
        if reason:
            raise InputError(source.path, reason)
    root = parse_markup(data, source.path)
    roots = story_roots(root)
    try:
        if is_ao3(roots):
            return require_story(read_ao3(roots, source), source)
        if is_fff_html(roots[0]):
            return require_story(read_fff_html(roots[0], source), source)
        doc = assemble(flatten(roots, generic_classify), source)
    except RecursionError:
        raise InputError(source.path, "markup is nested too deeply") from None
    title = root.findtext(".//title")
    if title and title.strip():
        doc.metadata["title"] = " ".join(title.split())
    return require_story(doc, source)
