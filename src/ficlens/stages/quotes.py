"""The `quotes` stage: every quotation in the story, as spans without their marks.

One linear scan over the quotation marks of each paragraph. The document's convention is
decided first: double marks ("..." or curly) or British single marks, whose closing mark is
also the apostrophe; then only marks of that convention open and close quotations, so the
other kind inside a quotation is simply part of it (nested quotes). Hobby writers' marks are
read leniently: a quotation left open closes at the end of its paragraph, and when the next
paragraph opens again the two pieces are linked (`continues`), as printed speech that runs
over several paragraphs is. `speech` is a first guess: `other` for short quoted terms and
titles inside a sentence, `spoken` for the rest; the speakers stage refines it.
"""

from __future__ import annotations

import re

from ficlens.attribution.lexicon import ELISIONS, TAG_WORDS
from ficlens.document import Document, ParagraphLayout, Quote
from ficlens.pipeline import Config, stage
from ficlens.textunits import paragraph_layout, story_paragraphs

DOUBLE_MARKS = re.compile('["\u201c\u201d\u201e]')
SINGLE_MARKS = re.compile("['\u2018\u2019\u201a]")
SINGLE_CLOSER = re.compile("[.,!?\u2026\u2014\u2013-]['\u2019](?![A-Za-z])")
DASHES = "\u2014\u2013-"
WORD = re.compile(r"[A-Za-z]+")


def single_convention(text: str) -> bool:
    """True when dialogue is in single marks (‘...’ / '...'), told by which marks end speech."""
    doubles = text.count('"') + text.count("\u201c") + text.count("\u201d")
    singles = sum(1 for _ in SINGLE_CLOSER.finditer(text))
    return singles >= 3 and singles > doubles


def _word_after(text: str, i: int, end: int) -> str:
    m = WORD.match(text, i, end)
    return m.group(0).lower() if m else ""


def _word_before(text: str, i: int, start: int) -> str:
    j = i
    while j > start and text[j - 1].isalpha():
        j -= 1
    return text[j:i].lower()


def _double_role(text: str, i: int, is_open: bool, start: int, end: int) -> str:
    """`open`, `close` or `skip` for a double mark at i."""
    ch = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if ch in "\u201c\u201e":
        if is_open and (prev.isspace() or prev in "(["):
            # “...“ with the closing mark typed as an opener, or a new quote after a missing close
            return "close" if nxt.isspace() or nxt in ".,;:!?" else "reopen"
        return "close" if is_open else "open"
    if ch == "\u201d":
        if not is_open and (prev.isspace() or i == start) and nxt.isalnum():
            return "open"
        return "close" if is_open else "skip"
    return "close" if is_open else "open"


def _single_role(text: str, i: int, is_open: bool, start: int, end: int) -> str:
    """`open`, `close` or `skip` for a single mark at i, telling quotes from apostrophes."""
    ch = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if prev.isalnum() and nxt.isalnum():
        return "skip"  # don't, James's
    if ch in "\u2018\u201a" or (ch == "'" and not prev.isalnum()) or (
        ch == "\u2019" and not prev.isalnum() and not is_open
    ):
        if is_open:
            return "close" if not nxt.isalnum() else "skip"
        if prev.isalnum():
            return "skip"
        if _word_after(text, i + 1, end) in ELISIONS:
            return "skip"  # ’tis, ’em, rock ’n’ roll
        return "open" if (nxt.isalnum() or nxt in "\u2026.-\u2014") else "skip"
    if not is_open:
        return "skip"
    if nxt.isalnum():
        return "skip"
    word = _word_before(text, i, start)
    if word in ("n", "an") and i - len(word) - 1 >= start and text[i - len(word) - 1] in "'\u2018\u2019":
        return "skip"  # the second mark of rock ’n’ roll
    after = text[i + 1 : i + 3].lstrip()
    possessive_or_elided = prev == "s" or (prev == "n" and text[i - 2 : i] == "in")
    if possessive_or_elided and after[:1].islower() and _word_after(text, i + 2, end) not in TAG_WORDS:
        return "skip"  # the boys’ room, goin’ home: an apostrophe unless a speech tag follows
    return "close"


def scan_paragraph(
    text: str, start: int, end: int, single: bool
) -> list[tuple[int, int, bool, bool]]:
    """(start, end, opened_at_paragraph_start, closed) for each quotation in one paragraph."""
    marks = SINGLE_MARKS if single else DOUBLE_MARKS
    role_of = _single_role if single else _double_role
    out: list[tuple[int, int, bool, bool]] = []
    open_at = -1
    for m in marks.finditer(text, start, end):
        i = m.start()
        role = role_of(text, i, open_at >= 0, start, end)
        if role == "open":
            open_at = i
        elif role == "close":
            out.append((open_at + 1, i, open_at == start, True))
            open_at = -1
        elif role == "reopen":
            out.append((open_at + 1, i, open_at == start, False))
            open_at = i
    if open_at >= 0:
        out.append((open_at + 1, end, open_at == start, False))
    if single:
        out = sorted(out + narration_doubles(text, start, end, out))
    return out


def narration_doubles(
    text: str, start: int, end: int, speech: list[tuple[int, int, bool, bool]]
) -> list[tuple[int, int, bool, bool]]:
    """Double-quoted spans in the narration of a single-quote story: a sign, a title or a word
    the narrator quotes ("and rabbits") is marked the other way from the dialogue. Only spans
    closed on the paragraph and outside the single-quoted speech count; double marks inside
    speech are nested quotes, part of it."""
    out: list[tuple[int, int, bool, bool]] = []
    open_at = -1
    for m in DOUBLE_MARKS.finditer(text, start, end):
        i = m.start()
        if any(s - 1 <= i <= e for s, e, _, _ in speech):
            continue
        role = _double_role(text, i, open_at >= 0, start, end)
        if role == "open" or role == "reopen":
            open_at = i
        elif role == "close":
            if not any(open_at < s and e < i for s, e, _, _ in speech):
                out.append((open_at + 1, i, open_at == start, True))
            open_at = -1
    return out


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def guess_speech(text: str, s: int, e: int, para: tuple[int, int]) -> str:
    """`other` for a short term or title inside a sentence ("the word "love" was"), else `spoken`."""
    body = text[s:e]
    words = body.split()
    if len(words) > 4 or not words:
        return "spoken"
    if body[-1] in "!?\u2026" or body[-1] in DASHES:
        return "spoken"
    ps, pe = para
    if s - 1 <= ps and e + 1 >= pe:
        return "spoken"  # the whole paragraph is the quotation
    before = text[max(ps, s - 30) : s - 1].rstrip()
    bare = before.rstrip(",:;")
    prev_word = _word_before(bare, len(bare), 0)
    after = text[e + 1 : min(pe, e + 30)].lstrip()
    next_word = _word_after(after, 0, len(after))
    if prev_word in TAG_WORDS or next_word in TAG_WORDS:
        return "spoken"
    if body[0].isupper() and body[-1] == "." and (not before or before[-1] in ",:;"):
        return "spoken"  # a sentence after "Then, louder, "
    mid_before = bool(before) and (before[-1].isalpha() or before[-1] in ",;")
    mid_after = bool(after) and (after[0].islower() or after[0] in ",;:)")
    if body[-1] in ".," and not mid_before:
        return "spoken"
    return "other" if (mid_before or mid_after) else "spoken"


def find_quotes(
    text: str,
    regions: list[tuple[int, int]],
    single: bool | None = None,
    layout: ParagraphLayout | None = None,
) -> tuple[list[Quote], list[tuple[int, int]]]:
    """All quotations in the story regions of `text`, and the paragraphs they were found in
    (laid out as `layout` says, detected from the text when not given)."""
    if single is None:
        single = single_convention(text)
    paras = story_paragraphs(text, regions, layout)
    quotes: list[Quote] = []
    prev_unclosed: Quote | None = None
    for pi, para in enumerate(paras):
        found = scan_paragraph(text, para[0], para[1], single)
        last_kept = -1
        for k, (s, e, at_start, _closed) in enumerate(found):
            s2, e2 = trim(text, s, e)
            if e2 <= s2:
                continue
            last_kept = k
            q = Quote(s2, e2, speech=guess_speech(text, s2, e2, para))
            q.extra["paragraph"] = pi
            if k == 0 and at_start and prev_unclosed is not None:
                q.extra["continues"] = True
                prev_unclosed.extra["continued"] = True
                q.speech = prev_unclosed.speech = "spoken"
            if text[e2 - 1] in DASHES:
                q.extra["interrupted"] = True
            quotes.append(q)
        # A lone mark at the paragraph's end opens nothing: the quotation before it stays closed.
        unclosed = bool(found) and not found[-1][3] and last_kept == len(found) - 1
        prev_unclosed = quotes[-1] if unclosed else None
        if prev_unclosed is not None:
            prev_unclosed.extra["unclosed"] = True
    for q in quotes:
        if q.extra.get("continued"):
            q.extra.pop("unclosed", None)
    return quotes, paras


@stage("quotes", requires=("structure",), provides=("quotes",))
def quotes_stage(doc: Document, config: Config) -> None:
    single = single_convention(doc.text)
    doc.quotes, paras = find_quotes(doc.text, list(doc.story_regions()), single, paragraph_layout(doc))
    doc.layers["paragraphs"] = paras
    doc.layers["quote_convention"] = "single" if single else "double"
