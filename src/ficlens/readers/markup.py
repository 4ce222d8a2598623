"""HTML/XHTML trees to paragraphs, and paragraphs to one `text` with paratext and chapters.

Markup readers share this: a site-specific `classify` rule says, per element, whether it is
skipped (menus, tag lists), which paratext kind its paragraphs get (title, summary, notes,
chapter heading) and whether it opens the front matter, the chapters or the back matter.
The `Flattener` walks the tree once, turns block elements into paragraphs (inline emphasis
becomes plain text, `<br/>` a line break, two `<br/>` a paragraph break, `<hr/>` a
scene-break line) and `assemble` joins them with blank lines, recording offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ficlens.document import Chapter, Document, Paratext, Source

STORY = "story"
FRONT, BODY, BACK = "front", "body", "back"
SCENE_BREAK_TEXT = "* * *"

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset(
    [
        "head",
        "script",
        "style",
        "title",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "button",
        "select",
        "textarea",
        "input",
        "audio",
        "video",
        "canvas",
        "map",
    ]
)
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class Rule:
    """What a reader says about one element: skip it, or give its paragraphs a kind/region."""

    kind: str | None = None
    region: str | None = None
    skip: bool = False


SKIP = Rule(skip=True)
KEEP = Rule()
Classify = Callable[[Any, str | None], Rule]


@dataclass(slots=True)
class Block:
    """One paragraph of the future text: `kind` is `story` or a paratext kind."""

    text: str
    kind: str = STORY
    region: str | None = None


def classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def plain(el: Any) -> str:
    """Whitespace-normalised text content of a small element."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def split_paragraphs(raw: str) -> list[str]:
    """Lines of `raw` (newlines come from `<br/>`), grouped into paragraphs at empty lines."""
    paras: list[str] = []
    lines: list[str] = []
    for line in raw.split("\n"):
        line = line.strip()
        if line:
            lines.append(line)
        elif lines:
            paras.append("\n".join(lines))
            lines = []
    if lines:
        paras.append("\n".join(lines))
    return paras


class Flattener:
    """Walk an element tree once, emitting `Block`s according to a site's `classify` rule."""

    def __init__(self, classify: Classify, region: str | None = None) -> None:
        self.classify = classify
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.kinds: list[str] = [STORY]
        self.regions: list[str | None] = [region]

    def add_text(self, s: str | None) -> None:
        if s:
            self.buf.append(_WS.sub(" ", s))

    def flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf.clear()
        for para in split_paragraphs(raw):
            self.blocks.append(Block(para, self.kinds[-1], self.regions[-1]))

    def scene_break(self) -> None:
        self.flush()
        if (
            self.kinds[-1] != STORY
            or not self.blocks
            or not any(ch.isalnum() for ch in self.blocks[-1].text)
        ):
            return
        self.blocks.append(Block(SCENE_BREAK_TEXT, "scene_break", self.regions[-1]))

    def walk(self, el: Any) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions, entity references
            self.add_text(el.tail)
            return
        tag = tag.lower()
        rule = self.classify(el, self.regions[-1])
        if rule.skip or tag in SKIP_TAGS:
            if tag in BLOCK_TAGS:
                self.flush()
            self.add_text(el.tail)
            return
        is_block = tag in BLOCK_TAGS or rule.kind is not None or rule.region is not None
        if is_block:
            self.flush()
        self.kinds.append(rule.kind or self.kinds[-1])
        self.regions.append(rule.region or self.regions[-1])
        if tag == "br":
            self.buf.append("\n")
        elif tag == "hr":
            self.scene_break()
        elif tag in ("td", "th"):
            self.buf.append(" ")
        self.add_text(el.text)
        for child in el:
            self.walk(child)
        if is_block:
            self.flush()
        self.kinds.pop()
        self.regions.pop()
        self.add_text(el.tail)

    def run(self, root: Any) -> list[Block]:
        self.walk(root)
        self.flush()
        return self.blocks


def flatten(roots: Iterable[Any], classify: Classify) -> list[Block]:
    """Blocks of several trees in order (the spine documents of an EPUB, or one HTML body)."""
    flat = Flattener(classify)
    for root in roots:
        flat.walk(root)
        flat.flush()
    return flat.blocks


def assemble(blocks: list[Block], source: Source, one_shot_title: str = "") -> Document:
    """Join blocks with blank lines into one Document, with paratext spans and chapters.

    Paragraphs with mojibake (UTF-8 shown as cp1252) are mended first. A chapter runs from
    its heading through its last story paragraph (chapter end notes after it stay outside).
    Without headings, the body region forms one chapter.
    """
    from ficlens.readers.text import repair_mojibake

    spans: list[tuple[int, int]] = []
    pos = 0
    for b in blocks:
        b.text = repair_mojibake(b.text)
        spans.append((pos, pos + len(b.text)))
        pos += len(b.text) + 2
    text = "\n\n".join(b.text for b in blocks)
    doc = Document(text=text, source=source)
    doc.paratext = [
        Paratext(b.kind, s, e) for b, (s, e) in zip(blocks, spans, strict=True) if b.kind != STORY
    ]
    heads = [i for i, b in enumerate(blocks) if b.kind == "chapter_heading"]
    for n, i in enumerate(heads):
        stop = heads[n + 1] if n + 1 < len(heads) else len(blocks)
        last = i
        for k in range(i + 1, stop):
            if blocks[k].region not in (FRONT, BACK) and blocks[k].kind in (STORY, "scene_break"):
                last = k
        doc.chapters.append(Chapter(blocks[i].text.replace("\n", " "), spans[i][0], spans[last][1]))
    if not heads:
        body = [i for i, b in enumerate(blocks) if b.region == BODY]
        story = [i for i in body if blocks[i].kind == STORY] or body
        if body:
            doc.chapters.append(Chapter(one_shot_title, spans[body[0]][0], spans[story[-1]][1]))
    return doc
