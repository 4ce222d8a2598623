"""Archive of Our Own downloads: "Download as HTML" and the calibre-built EPUB.

Both keep AO3's skeleton: `#preface` (a `dl` of tags, the title `h1`, a byline, labelled
blockquotes for summary and notes), `#chapters` (an `h2` heading per chapter, optional
chapter summary/notes, the chapter text, `#endnotesN`) and `#afterword` (end notes). The
EPUB renames classes, so rules lean on ids, tags and the visible labels ("Chapter Notes")
rather than on class names, using a class only as a shortcut when it survived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ficlens.document import Document, Source
from ficlens.readers.markup import (
    BACK,
    BODY,
    FRONT,
    KEEP,
    SKIP,
    Block,
    Rule,
    assemble,
    classes,
    flatten,
    plain,
)

REGION_IDS = {"preface": FRONT, "chapters": BODY, "afterword": BACK}
# Visible labels AO3 puts before a blockquote, mapped to the paratext kind of both.
NOTE_LABELS = {
    "summary": "summary",
    "chapter summary": "summary",
    "notes": "author_note",
    "chapter notes": "author_note",
    "chapter end notes": "author_note",
    "end notes": "author_note",
    "author's note": "author_note",
    "author's notes": "author_note",
}
# dt label (lower-case, no colon, singular) -> metadata key.
DT_KEYS = {
    "rating": "rating",
    "archive warning": "warnings",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "additional tag": "tags",
    "freeform": "tags",
    "language": "language",
    "series": "series",
    "stat": "stats",
    "collection": "collections",
}
LIST_KEYS = {
    "warnings",
    "categories",
    "fandoms",
    "relationships",
    "characters",
    "tags",
    "collections",
}
STAT = re.compile(r"([A-Z][A-Za-z ]*?):\s*(\S+)")
SERIES = re.compile(r"Part\s+(\d+)\s+of\s+(.+)", re.I)
BOILERPLATE = re.compile(r"Posted originally on the|drop by the Archive and comment")
SIGNATURE = re.compile(r"^[-\u2013\u2014~\s]+(\S.{0,60})$")


def label_kind(el: Any) -> str | None:
    """The note kind when `el` is an AO3 label paragraph ("Chapter Notes") before a blockquote."""
    if el is None or not isinstance(el.tag, str) or el.tag != "p" or len(el) > 1:
        return None
    head = el.text or ""
    if len(head) > 60 or (not head.strip() and not len(el)):
        return None
    return NOTE_LABELS.get(plain(el).rstrip(":").lower())


def previous_element(el: Any) -> Any:
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def is_ao3(roots: Sequence[Any]) -> bool:
    """AO3 layout: the preface/chapters ids, or the "Archive of Our Own" message."""
    for root in roots:
        if root.xpath("//*[@id='preface' or @id='chapters']") and root.xpath("//dl//dt"):
            return True
        for p in root.xpath("//p[contains(., 'Archive of Our Own')]")[:2]:
            if "Posted originally on the" in plain(p):
                return True
    return False


def classify(el: Any, region: str | None) -> Rule:
    tag = el.tag.lower()
    cls = classes(el)
    ident = el.get("id")
    if ident in REGION_IDS:
        return Rule(region=REGION_IDS[ident])
    if "toc-heading" in cls or tag in ("dl", "script", "style"):
        return SKIP
    if tag == "p":
        if "message" in cls:
            return SKIP
        kind = label_kind(el)
        if kind and next_tag(el) == "blockquote":
            return Rule(kind=kind)
        if region in (FRONT, BACK) and len(el) and BOILERPLATE.search(plain(el)):
            return SKIP
        return KEEP
    if tag == "div" and ("endnote-link" in cls or plain_startswith(el, "See the end of the")):
        return SKIP
    if tag == "blockquote":
        kind = label_kind(previous_element(el))
        return Rule(kind=kind) if kind else KEEP
    if tag == "h1" and region != BODY:
        return Rule(kind="title")
    if tag == "div" and ("byline" in cls or (region == FRONT and el.xpath("./a[@rel='author']"))):
        return Rule(kind="other")
    if tag == "h2":
        if "heading" in cls or (region == BODY and opens_chapter(el)):
            return Rule(kind="chapter_heading", region=BODY)
        return SKIP if region != BODY else KEEP
    return KEEP


def opens_chapter(h2: Any) -> bool:
    """AO3's chapter heading opens a block directly under `#chapters` that is not the text."""
    parent = h2.getparent()
    grand = parent.getparent() if parent is not None else None
    if grand is None or grand.get("id") != "chapters" or parent.index(h2) != 0:
        return False
    return "userstuff" not in (parent.get("class") or "")


def next_tag(el: Any) -> str:
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return nxt.tag.lower() if nxt is not None else ""


def plain_startswith(el: Any, prefix: str) -> bool:
    head = (el.text or "").strip()
    if not head and len(el):
        return False
    return head.startswith(prefix)


def refine_notes(blocks: list[Block], authors: list[str]) -> None:
    """Inside notes, a "Disclaimer:" paragraph is a disclaimer and "— PenName" a signature."""
    names = {a.lower() for a in authors}
    for b in blocks:
        if b.kind not in ("author_note", "summary"):
            continue
        if b.text[:11].lower().startswith("disclaimer"):
            b.kind = "disclaimer"
        m = SIGNATURE.match(b.text)
        if m and m.group(1).strip().lower() in names:
            b.kind = "signature"


def parse_tags(roots: Sequence[Any]) -> dict[str, Any]:
    """Metadata from the preface `dl` (loose about singular/plural labels)."""
    meta: dict[str, Any] = {}
    for root in roots:
        for dl in root.xpath("//dl"):
            for dt in dl.xpath("./dt"):
                dd = dt.getnext()
                while dd is not None and (not isinstance(dd.tag, str) or dd.tag != "dd"):
                    if isinstance(dd.tag, str) and dd.tag == "dt":
                        dd = None
                        break
                    dd = dd.getnext()
                if dd is None:
                    continue
                label = plain(dt).rstrip(":").strip().lower()
                key = (
                    DT_KEYS.get(label)
                    or DT_KEYS.get(label.rstrip("s"))
                    or DT_KEYS.get(label.removesuffix("ies") + "y")
                )
                if key is None:
                    key = re.sub(r"\W+", "_", label).strip("_")
                    if not key:
                        continue
                meta[key] = dd_value(key, dd)
        if meta:
            break
    return meta


def dd_value(key: str, dd: Any) -> Any:
    links = [plain(a) for a in dd.xpath(".//a")]
    text = plain(dd)
    if key == "stats":
        return parse_stats(text)
    if key == "series":
        out = []
        for part in re.split(r"\s*(?=Part\s+\d+\s+of)", text):
            m = SERIES.match(part.strip())
            if m:
                out.append({"title": m.group(2).strip(), "part": int(m.group(1))})
        return out or text
    if key in LIST_KEYS:
        return links or [v.strip() for v in text.split(",") if v.strip()]
    return links[0] if len(links) == 1 and key == "rating" else text


def parse_stats(text: str) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for label, value in STAT.findall(text):
        key = label.strip().lower().replace(" ", "_")
        digits = value.replace(",", "")
        stats[key] = int(digits) if digits.isdigit() else value
    return stats


def read_ao3(roots: Sequence[Any], source: Source) -> Document:
    """AO3 layout (HTML, or the spine documents of an EPUB in order) to a Document."""
    meta = parse_tags(roots)
    blocks = flatten(roots, classify)
    authors: list[str] = []
    work_url = ""
    for root in roots:
        authors = authors or [plain(a) for a in root.xpath("//a[@rel='author']")]
        urls = root.xpath("//a[contains(@href, 'archiveofourown.org/works/')]/@href")
        work_url = work_url or next((u for u in urls if "/comments" not in u), "")
    if not authors:
        authors = [b.text.removeprefix("by ").strip() for b in blocks if b.kind == "other"][:1]
    refine_notes(blocks, authors)
    title = next((b.text for b in blocks if b.kind == "title"), "")
    summary = "\n\n".join(
        b.text for b in blocks if b.kind == "summary" and b.region == FRONT and not is_label(b.text)
    )
    notes = [
        b.text for b in blocks if b.kind in ("author_note", "disclaimer") and not is_label(b.text)
    ]
    found: dict[str, Any] = {"title": title, "authors": authors, "summary": summary}
    found = {k: v for k, v in found.items() if v}
    meta = {**found, **meta}
    if notes:
        meta["notes"] = notes
    if work_url:
        meta["url"] = work_url
    meta["site"] = "archiveofourown.org"
    doc = assemble(blocks, source, one_shot_title=title)
    doc.metadata = meta
    doc.structure_from_markup = True
    return doc


def is_label(text: str) -> bool:
    return text.rstrip(":").lower() in NOTE_LABELS
