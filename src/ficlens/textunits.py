"""Paragraphs and sentences of the story: units several stages and the report share.

Plain-text fan fiction puts one paragraph per line; hard-wrapped (Gutenberg-style) texts
wrap lines at ~70 characters and put blank lines between paragraphs. Sentences come from the tokens layer, cut finer where spaCy's
sentence starts miss an obvious boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ficlens.document import Document

PARAGRAPH = re.compile(r"[^\n]+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
END_PUNCT = {".", "!", "?", "...", "\u2026", "?!", "!?", "!!", "??"}
CLOSING = {'"', "\u201d", "'", "\u2019", ")"}


def lines(doc: Document) -> Iterator[tuple[int, int]]:
    """Non-blank lines of the story regions, as (start, end)."""
    for rs, re_ in doc.story_regions():
        for m in PARAGRAPH.finditer(doc.text, rs, re_):
            if m.group().strip():
                yield m.start(), m.end()


def paragraph_mode(doc: Document) -> str:
    """`block` when paragraphs are runs of hard-wrapped lines between blank lines, else `line`."""
    count = runs = 0
    prev_end = -2
    for s, e in lines(doc):
        count += 1
        if s != prev_end + 1:
            runs += 1
        prev_end = e
    return "block" if runs and count / runs >= 1.5 else "line"


def paragraphs(doc: Document) -> Iterator[tuple[int, int]]:
    """Paragraphs of the story, as (start, end): lines, or blocks of lines between blank lines."""
    if paragraph_mode(doc) == "line":
        yield from lines(doc)
        return
    start = end = -1
    for s, e in lines(doc):
        if start >= 0 and s == end + 1:
            end = e
            continue
        if start >= 0:
            yield start, end
        start, end = s, e
    if start >= 0:
        yield start, end


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


def is_hard_wrapped(text: str) -> bool:
    """True when most lines are wrapped at a fixed width (blank lines then separate paragraphs)."""
    sample = text[: 200_000]
    lines = [ln for ln in sample.split("\n") if ln.strip()]
    if len(lines) < 20:
        return False
    lengths = sorted(len(ln) for ln in lines)
    p95 = lengths[int(len(lengths) * 0.95)]
    wrapped = sum(1 for n in lengths if 50 <= n <= 90)
    return p95 <= 90 and wrapped >= 0.5 * len(lines) and "\n\n" in sample


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


def story_paragraphs(doc_text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """All paragraphs of the given story regions, in text order."""
    wrapped = is_hard_wrapped(doc_text)
    out: list[tuple[int, int]] = []
    for s, e in regions:
        out.extend(paragraph_spans(doc_text, s, e, wrapped))
    return out
