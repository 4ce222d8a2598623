"""Paragraphs of a story region, the unit quotations and speech turns live in.

Fan fiction pasted as plain text puts one paragraph per line; Gutenberg-style texts wrap
lines at ~70 characters and separate paragraphs with blank lines. Which one a document uses
is decided once from its line lengths, then paragraphs are cut in one pass.
"""

from __future__ import annotations

import re

BLANK_LINE = re.compile(r"\n[ \t]*\n")


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


def paragraphs(text: str, start: int, end: int, hard_wrapped: bool) -> list[tuple[int, int]]:
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
        out.extend(paragraphs(doc_text, s, e, wrapped))
    return out
