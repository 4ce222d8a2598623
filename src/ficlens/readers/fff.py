"""FanFicFare downloads: TXT, HTML and EPUB.

All three start with a title page (title, "by" line, `Label: value` header lines such as
Category, Characters, Summary), then chapters titled as in the site's table of contents.
The TXT keeps its bytes as `text` (the contract wants the decoded file), so structure is
marked over the file's own lines without unwrapping them; HTML/EPUB build a text whose
header lines, title, chapter headings and head/foot notes are paratext.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from ficlens.document import Chapter, Document, Paratext, Source
from ficlens.readers.markup import (
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

HEADER_KIND = "fff_header"
"""Temporary kind for title-page label lines, turned into `other`/`summary` paratext."""
HEADER_LINE = re.compile(r"^([A-Z][A-Za-z ]{0,30}):\s?(.*)$")
KNOWN_LABELS = frozenset(
    {
        "category",
        "fandom",
        "fandoms",
        "genre",
        "language",
        "characters",
        "relationships",
        "ships",
        "pairing",
        "pairings",
        "status",
        "published",
        "updated",
        "packaged",
        "rating",
        "warnings",
        "chapters",
        "words",
        "publisher",
        "story url",
        "author url",
        "summary",
        "series",
        "extra tags",
        "freeform tags",
        "tags",
        "collections",
        "site",
        "completed",
        "author",
        "authors",
        "title",
        "description",
        "comments",
        "kudos",
        "hits",
        "bookmarks",
    }
)
LIST_FIELDS = {
    "category": "fandoms",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "characters": "characters",
    "relationships": "relationships",
    "ships": "relationships",
    "pairing": "relationships",
    "pairings": "relationships",
    "warnings": "warnings",
    "genre": "genres",
    "extra tags": "tags",
    "freeform tags": "tags",
    "tags": "tags",
    "collections": "collections",
}
STAT_FIELDS = frozenset(
    {
        "published",
        "updated",
        "packaged",
        "chapters",
        "words",
        "comments",
        "kudos",
        "hits",
        "bookmarks",
    }
)
TEXT_FIELDS = {
    "language": "language",
    "rating": "rating",
    "summary": "summary",
    "description": "summary",
    "status": "status",
    "publisher": "publisher",
    "site": "site",
    "story url": "url",
    "author url": "author_url",
    "series": "series",
}
NOTE_CLASSES = ("fff_chapter_notes", "fff_head_notes", "fff_foot_notes")
TOC_TITLE = "TABLE OF CONTENTS"
END_MARK = "End file."


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(", ") if v.strip()]


def header_metadata(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """FanFicFare title-page labels to the contract's metadata keys (+ `stats`, `genres`...)."""
    meta: dict[str, Any] = {}
    stats: dict[str, Any] = {}
    for label, raw in pairs:
        value = " ".join(raw.split())
        key = label.strip().lower()
        if not value:
            continue
        if key in LIST_FIELDS:
            meta.setdefault(LIST_FIELDS[key], []).extend(split_list(value))
        elif key in STAT_FIELDS:
            digits = value.replace(",", "")
            stats[key] = int(digits) if digits.isdigit() else value
        elif key in TEXT_FIELDS:
            meta[TEXT_FIELDS[key]] = value
        else:
            meta[re.sub(r"\W+", "_", key).strip("_")] = value
    if "genres" in meta and "tags" not in meta:
        meta["tags"] = list(meta["genres"])
    if stats:
        meta["stats"] = stats
    meta["generator"] = "FanFicFare"
    return meta


def split_byline(line: str) -> list[str]:
    names = line.strip()
    names = names[3:] if names.lower().startswith("by ") else names
    return [n.strip() for n in re.split(r",\s+|\s+&\s+|\s+and\s+", names) if n.strip()]


# ---------------------------------------------------------------- TXT


def looks_like_fff_text(text: str) -> bool:
    """A title, a "by" line, known `Label: value` lines and a FanFicFare mark.

    The mark (a "Packaged:" line, "TABLE OF CONTENTS" or the closing "End file.") keeps a
    hand-written header ("Rating: T / Summary: ...") on an ordinary story from matching.
    """
    head = text[:4000].split("\n")[:60]
    nonblank = [ln.strip() for ln in head if ln.strip()]
    if len(nonblank) < 5 or not any(ln.lower().startswith("by ") for ln in nonblank[1:3]):
        return False
    labels = set()
    for ln in nonblank[2:40]:
        m = HEADER_LINE.match(ln)
        if m and m.group(1).lower() in KNOWN_LABELS:
            labels.add(m.group(1).lower())
    marked = "packaged" in labels or TOC_TITLE in nonblank or text.rstrip().endswith(END_MARK)
    return len(labels) >= 3 and marked


def line_table(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text`, without the newline."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def read_fff_text(text: str, source: Source) -> Document:
    """Mark FanFicFare's title page, table of contents, chapter headings and end line."""
    doc = Document(text=text, source=source)
    lines = line_table(text)
    n = len(lines)

    def line(i: int) -> str:
        return text[lines[i][0] : lines[i][1]]

    def mark(kind: str, first: int, last: int) -> None:
        s, e = lines[first][0], lines[last][1]
        doc.paratext.append(Paratext(kind, s + indent(line(first)), e - trailing(line(last))))

    i = 0
    while i < n and not line(i).strip():
        i += 1
    title = line(i).strip()
    mark("title", i, i)
    i += 1
    while i < n and not line(i).strip():
        i += 1
    authors = split_byline(line(i))
    mark("other", i, i)
    i += 1
    pairs: list[tuple[str, str]] = []
    entry_start = entry_end = -1
    blank_run = 0
    while i < n:
        raw = line(i).strip()
        if raw == TOC_TITLE:
            break
        if not raw:
            blank_run += 1
            if pairs and blank_run >= 3:
                break
            i += 1
            continue
        blank_run = 0
        m = HEADER_LINE.match(raw)
        if m and (m.group(1).lower() in KNOWN_LABELS or not pairs):
            if entry_start >= 0:
                mark(entry_kind(pairs[-1][0]), entry_start, entry_end)
            pairs.append((m.group(1), m.group(2)))
            entry_start = entry_end = i
        elif pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + " " + raw)
            entry_end = i
        i += 1
    if entry_start >= 0:
        mark(entry_kind(pairs[-1][0]), entry_start, entry_end)
    meta = header_metadata(pairs)
    meta = {"title": title, "authors": authors, **meta}
    toc: list[str] = []
    while i < n and not line(i).strip():
        i += 1
    if i < n and line(i).strip() == TOC_TITLE:
        mark("other", i, i)
        i += 1
        blank_run = 0
        while i < n:
            raw = line(i)
            if not raw.strip():
                blank_run += 1
                if toc and blank_run >= 3:
                    break
            elif raw[0].isspace():
                break
            else:
                blank_run = 0
                toc.append(raw.strip())
                mark("other", i, i)
            i += 1
    end_line = n
    for k in range(n - 1, max(i, n - 30) - 1, -1):
        if line(k).strip() == END_MARK:
            end_line = k
            mark("other", k, k)
            break
    heads = find_headings(line, i, end_line, toc)
    for h, (k, name) in enumerate(heads):
        mark("chapter_heading", k, k)
        stop = heads[h + 1][0] if h + 1 < len(heads) else end_line
        last = last_nonblank(line, k, stop)
        start = lines[k][0] + indent(line(k))
        doc.chapters.append(Chapter(name, start, lines[last][1] - trailing(line(last))))
    if not heads:
        first = next((k for k in range(i, end_line) if line(k).strip()), None)
        if first is not None:
            last = last_nonblank(line, first, end_line)
            end = lines[last][1] - trailing(line(last))
            doc.chapters.append(Chapter(title, lines[first][0] + indent(line(first)), end))
    doc.paratext.sort(key=lambda p: p.start)
    doc.metadata = meta
    doc.structure_from_markup = True
    return doc


def indent(s: str) -> int:
    return len(s) - len(s.lstrip())


def trailing(s: str) -> int:
    return len(s) - len(s.rstrip())


def entry_kind(label: str) -> str:
    return "summary" if label.lower() in ("summary", "description") else "other"


def last_nonblank(line: Any, first: int, stop: int) -> int:
    last = first
    for k in range(first, stop):
        if line(k).strip():
            last = k
    return last


def find_headings(line: Any, start: int, stop: int, toc: list[str]) -> list[tuple[int, str]]:
    """Line index and title of each chapter heading: the TOC titles in order, as lines set
    apart (indented, or after two blank lines). One pass to index candidates, then a
    bisect per title, so a title that never appears costs nothing."""
    wanted = set(toc)
    where: dict[str, list[int]] = {}
    for j in range(start, stop):
        raw = line(j)
        name = raw.strip()
        if name in wanted and (
            raw[:1].isspace() or (j >= 2 and not line(j - 1).strip() and not line(j - 2).strip())
        ):
            where.setdefault(name, []).append(j)
    heads: list[tuple[int, str]] = []
    k = start
    for name in toc:
        found = where.get(name, [])
        at = bisect_left(found, k)
        if at < len(found):
            heads.append((found[at], name))
            k = found[at] + 1
    return heads


# ---------------------------------------------------------------- HTML and EPUB


def is_fff_html(body: Any) -> bool:
    if body.xpath(".//a[@name='TOCTOP'] | .//a[starts-with(@name, 'section')]/h2"):
        return True
    labels = {plain(b).rstrip(":").lower() for b in body.xpath(".//table//tr/td[1]//b")[:40]}
    return len(labels & KNOWN_LABELS) >= 3 and "packaged" in labels


def is_fff_epub(roots: Sequence[Any]) -> bool:
    for root in roots:
        cls = classes(root)
        if cls & {"fff_titlepage", "fff_chapter", "fff_tocpage", "fff_logpage"}:
            return True
        if root.xpath(".//*[contains(@class, 'fff_chapter_title')]"):
            return True
    return False


def classify(el: Any, region: str | None) -> Rule:
    tag = el.tag.lower()
    cls = classes(el)
    if cls & {"fff_tocpage", "fff_logpage"}:
        return SKIP
    if "fff_titlepage" in cls:
        return Rule(region=FRONT)
    if "fff_chapter" in cls and tag == "body":
        return Rule(region=BODY)
    if "fff_chapter_title" in cls:
        return Rule(kind="chapter_heading", region=BODY)
    if any(c in cls for c in NOTE_CLASSES):
        return Rule(kind="author_note")
    if tag == "a":
        name = el.get("name") or ""
        if name == "TOCTOP":
            return SKIP
        if name.startswith("section") and len(el):
            return Rule(kind="chapter_heading", region=BODY)
        return KEEP
    if tag in ("h1", "h3") and region in (FRONT, None) and el.xpath(".//a[@class='authorlink']"):
        return Rule(kind="title", region=FRONT)
    if tag == "table" and region in (FRONT, None):
        return Rule(kind=HEADER_KIND, region=FRONT)
    if tag == "div" and region == FRONT and el.xpath("./b"):
        return Rule(kind=HEADER_KIND)
    if tag == "p" and region in (FRONT, None):
        links = el.xpath("./a")
        if links and all((a.get("href") or "").startswith("#section") for a in links):
            return SKIP
    return KEEP


def expand_header(blocks: list[Block]) -> tuple[list[Block], list[tuple[str, str]]]:
    """Title-page label lines become one `other` (or `summary`) block each, parsed as pairs."""
    out: list[Block] = []
    pairs: list[tuple[str, str]] = []
    for b in blocks:
        if b.kind != HEADER_KIND:
            out.append(b)
            continue
        for raw in b.text.split("\n"):
            m = HEADER_LINE.match(raw.strip())
            if m:
                pairs.append((m.group(1), m.group(2)))
                out.append(Block(raw.strip(), entry_kind(m.group(1)), b.region))
            elif pairs:
                pairs[-1] = (pairs[-1][0], pairs[-1][1] + " " + raw.strip())
                out[-1].text += "\n" + raw.strip()
    return out, pairs


def read_fff_markup(roots: Sequence[Any], source: Source) -> Document:
    """FanFicFare HTML (one body) or EPUB (its spine bodies) to a Document."""
    blocks, pairs = expand_header(flatten(roots, classify))
    title = ""
    authors: list[str] = []
    for root in roots:
        heading = root.xpath(".//*[self::h1 or self::h3][.//a[@class='authorlink']]")
        if heading:
            links = heading[0].xpath(".//a")
            title = plain(links[0]) if links else ""
            authors = [plain(a) for a in heading[0].xpath(".//a[@class='authorlink']")]
            break
    meta = {"title": title, "authors": authors, **header_metadata(pairs)}
    doc = assemble(blocks, source, one_shot_title=title)
    doc.metadata = {k: v for k, v in meta.items() if v}
    doc.structure_from_markup = True
    return doc


def read_fff_html(body: Any, source: Source) -> Document:
    return read_fff_markup([body], source)
