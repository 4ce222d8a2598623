"""Paragraphs and sentences of the story: units several stages and the report share.

Plain-text fan fiction puts one paragraph per line; hard-wrapped (Gutenberg-style) texts
wrap lines at ~70 characters and put blank lines between paragraphs. Which of the two a
story is (its *paragraph layout*) is decided once, by `detect_layout`; the structure stage
stores the decision as `doc.layers["paragraph_layout"]` and every consumer reads it through
`paragraph_layout`, which falls back to the same function for documents built without the
structure stage. Sentences come from the tokens layer, cut finer where spaCy's sentence
starts miss an obvious boundary.
"""

from __future__ import annotations

import re

from ficlens.document import Document, ParagraphLayout

BLANK_LINE = re.compile(r"\n[ \t]*\n")
END_PUNCT = {".", "!", "?", "...", "\u2026", "?!", "!?", "!!", "??"}
CLOSING = {'"', "\u201d", "'", "\u2019", ")"}
LAYOUT_SAMPLE = 200_000
"""Characters of story text the layout is judged on; the first pages tell."""
WRAP_WIDTHS = (40, 100)
"""Widths (characters) at which hard-wrapped prose is set."""
WRAP_FILL = 0.55
"""A wrapped line, unless it ends its paragraph, fills at least this share of the width."""
MIN_JOINED_LINES = 3
"""Fewer lines followed by another line than this, and the layout makes no difference worth a guess."""
SENTENCE_END = (".", "!", "?", "\u2026", '"', "\u201d", "'", "\u2019")
"""Line endings that close a sentence; wrapped prose mostly breaks its lines elsewhere."""


def joined_lines(text: str, regions: list[tuple[int, int]], limit: int = LAYOUT_SAMPLE) -> list[str]:
    """The story lines (right-stripped) that have another non-blank line straight after them.

    Only those lines are in question: a line between blank lines is one paragraph in
    either layout.
    """
    out: list[str] = []
    left = limit
    for rs, re_ in regions:
        if left <= 0:
            break
        chunk = text[rs : min(re_, rs + left)]
        left -= len(chunk)
        prev: str | None = None
        for line in chunk.split("\n"):
            if not line.strip():
                prev = None
                continue
            if prev is not None:
                out.append(prev)
            prev = line.rstrip()
    return out


def detect_layout(text: str, regions: list[tuple[int, int]]) -> ParagraphLayout:
    """`block` when the story's lines are hard-wrapped (a paragraph runs over consecutive
    lines, up to a blank line), else `line` (every line is a paragraph).

    The evidence is the lines that run on into another line. Wrapped prose breaks them at
    a fixed width of 40-100 characters, which nearly all of them fill, and mostly in the
    middle of a sentence; one-paragraph-per-line text has paragraphs of any length, each
    ending a sentence. A text with hardly any such lines is `line`.
    """
    joined = joined_lines(text, regions)
    if len(joined) < MIN_JOINED_LINES:
        return "line"
    widths = sorted(len(line) for line in joined)
    width = widths[int(len(widths) * 0.9)]
    lo, hi = WRAP_WIDTHS
    if not lo <= width <= hi:
        return "line"
    full = sum(1 for w in widths if w >= WRAP_FILL * width)
    run_on = sum(1 for line in joined if not line.endswith(SENTENCE_END))
    return "block" if full >= 0.8 * len(joined) and run_on >= 0.5 * len(joined) else "line"


def paragraph_layout(doc: Document) -> ParagraphLayout:
    """The layout the structure stage decided, or the same decision made now from the text."""
    layout = doc.layers.get("paragraph_layout")
    if layout is None:
        layout = detect_layout(doc.text, list(doc.story_regions()))
    return layout


def token_sentences(doc: Document) -> list[tuple[int, int]]:
    """(first token, last token + 1) of each sentence of the tokens layer, cut finer.

    spaCy's statistical sentence starts are kept, and a sentence also starts after a line
    break or after end punctuation followed by a capitalised word or an opening quotation,
    so one missed boundary never merges a whole paragraph into one 'sentence'.
    """
    toks = doc.layers.get("tokens")
    if toks is None or not len(toks):
        return []
    text = doc.text
    out: list[tuple[int, int]] = []
    first = 0
    prev_end_punct = False
    for i in range(len(toks)):
        word = text[toks.start[i] : toks.end[i]]
        attached = word in CLOSING and prev_end_punct and toks.end[i - 1] == toks.start[i]
        cut = i > first and not attached and (
            toks.sent_start[i]
            or "\n" in text[toks.end[i - 1] : toks.start[i]]
            or (prev_end_punct and (word[:1].isupper() or word[:1] in '"\u201c'))
        )
        if cut:
            out.append((first, i))
            first = i
        prev_end_punct = word in END_PUNCT or attached
    out.append((first, len(toks)))
    return out


def sentence_bounds(doc: Document, sents: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Character start and end of each of the token sentences `sents`."""
    toks = doc.layers.get("tokens")
    starts, ends = [], []
    for a, b in sents:
        starts.append(toks.start[a])
        ends.append(toks.end[b - 1])
    return starts, ends


def paragraph_spans(text: str, start: int, end: int, hard_wrapped: bool) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph in text[start:end], whitespace trimmed."""
    out: list[tuple[int, int]] = []
    if hard_wrapped:
        pieces = []
        pos = start
        for m in BLANK_LINE.finditer(text, start, end):
            pieces.append((pos, m.start()))
            pos = m.end()
        pieces.append((pos, end))
    else:
        pieces = []
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            if nl < 0:
                nl = end
            pieces.append((pos, nl))
            pos = nl + 1
    for s, e in pieces:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def story_paragraphs(
    doc_text: str, regions: list[tuple[int, int]], layout: ParagraphLayout | None = None
) -> list[tuple[int, int]]:
    """All paragraphs of the given story regions, in text order; the layout is detected
    from the text when not given."""
    if layout is None:
        layout = detect_layout(doc_text, regions)
    out: list[tuple[int, int]] = []
    for s, e in regions:
        out.extend(paragraph_spans(doc_text, s, e, layout == "block"))
    return out
