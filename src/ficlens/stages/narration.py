"""The `narration` stage: grammatical person (pov) and tense of the narration.

Only narration counts: paratext is skipped, and so is everything inside quotation marks
(`doc.quotes` when the quotes stage filled it, otherwise the stage's own scan of double
quotes, or of single quotes when the dialogue is set British-style). The stage reads a bounded sample, the first `SAMPLE_CHARS` characters of story
text, so its cost does not grow with a 500,000-word epic.

Person. Third-person stories are full of "I" in dialogue; with dialogue removed, their
narration still has the odd "I" (letters, an intrusive narrator). So the decision is by
share: first person when first-person singular pronouns are a real share of the personal
pronouns of the narration, or when the narrator acts in the story ("I said", "I first
heard") often enough. Second person when "you" dominates, or the reader-insert mark "Y/N"
appears.

Tense. Finite verbs of the narration: past (VBD, would/could...) against present (VBP,
VBZ, will/can...). Present wins only when it clearly outnumbers past.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from ficlens.document import Document
from ficlens.pipeline import Config, stage
from ficlens.textunits import paragraph_layout

SAMPLE_CHARS = 40_000
OPENING_CHARS = 4_000
FRAME_NARRATOR = 3
"""A narrator who says "I" this often in the opening of the story tells it in person, even
when the rest follows someone else in the third person (a frame narrator: Daisy Miller's
"I hardly know whether it was the analogies or the differences..."). An author's aside
later in the book ("I will not adopt that ungenerous custom", Northanger Abbey) does not
make a first-person story."""
FIRST = frozenset({"i", "me", "my", "mine", "myself"})
FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves", "ya", "y'all"})
THIRD = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
THIRD_PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
PAST_MODALS = frozenset({"would", "could", "should", "might", "ought"})
PRESENT_MODALS = frozenset({"will", "can", "shall", "may", "must", "ca", "wo", "'ll"})
READER_INSERT = re.compile(r"\b[YyLl]/[Nn]\b")
OPEN_QUOTES = "\u201c"
CLOSE_QUOTES = "\u201d"
PAST_WORDS = frozenset(
    re.findall(
        r"\w+",
        "was were had did said asked told thought knew felt looked saw went came got took made "
        "turned smiled walked stood sat heard seemed began found gave left kept let ran",
    )
)
PRESENT_WORDS = frozenset(
    re.findall(
        r"\w+",
        "is are am has does says asks tells thinks knows feels looks sees goes comes gets takes "
        "makes turns smiles walks stands sits hears seems begins finds gives leaves keeps lets runs",
    )
)
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?|[YyLl]/[Nn]")


@dataclass
class Evidence:
    """Counts from the narration sample, kept in `doc.narration.extra` for inspection."""

    chars: int = 0
    first: int = 0
    first_plural: int = 0
    second: int = 0
    third: int = 0
    third_plural: int = 0
    reader_insert: int = 0
    i_past: int = 0
    opening_first: int = 0
    """First-person singular pronouns in the first `OPENING_CHARS` of narration."""
    past: float = 0.0
    present: float = 0.0

    def pov(self) -> str:
        third = self.third + 0.5 * self.third_plural
        first = self.first + 0.3 * self.first_plural
        total = first + self.second + third
        if total == 0:
            return "third"
        if self.reader_insert >= 2 or (self.second >= 0.3 * total and self.second > first):
            return "second"
        share = first / (first + third) if first + third else 0.0
        if share >= 0.2 or (self.i_past >= 4 and share >= 0.03):
            return "first"
        if self.frame():
            return "first"
        return "third"

    def frame(self) -> bool:
        """An "I" who opens the telling but is not who the story follows (see FRAME_NARRATOR)."""
        first = self.first + 0.3 * self.first_plural
        third = self.third + 0.5 * self.third_plural
        return self.opening_first >= FRAME_NARRATOR and first < 0.2 * (first + third) and self.i_past < 4

    def tense(self) -> str:
        if self.present > 1.2 * self.past and self.present >= 3:
            return "present"
        return "past"


def quote_spans_scanned(text: str, start: int, end: int, wrapped: bool) -> list[tuple[int, int]]:
    """Spans between double quotes in [start, end); an open quote ends at a paragraph break.

    Straight quotes toggle; curly quotes open and close. Hard-wrapped text breaks paragraphs
    only at blank lines, other text at every line end.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    i = start
    while i < end:
        ch = text[i]
        if ch == "\n" and open_at >= 0 and (not wrapped or text.startswith("\n", i + 1)):
            spans.append((open_at, i))
            open_at = -1
        elif ch == '"':
            if open_at >= 0:
                spans.append((open_at, i + 1))
                open_at = -1
            else:
                open_at = i
        elif ch in OPEN_QUOTES and open_at < 0:
            open_at = i
        elif ch in CLOSE_QUOTES and open_at >= 0:
            spans.append((open_at, i + 1))
            open_at = -1
        i += 1
    if open_at >= 0:
        spans.append((open_at, end))
    return spans


def single_quote_spans(text: str, start: int, end: int, wrapped: bool) -> list[tuple[int, int]]:
    """Spans of British-style dialogue between single quotes; apostrophes inside words
    ("don't") neither open nor close, and an open quote ends at a paragraph break."""
    spans: list[tuple[int, int]] = []
    open_at = -1
    for i in range(start, end):
        ch = text[i]
        if ch == "\n" and open_at >= 0 and (not wrapped or text.startswith("\n", i + 1)):
            spans.append((open_at, i))
            open_at = -1
        elif ch in "'\u2018" and open_at < 0:
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if (before.isspace() or before in '([\u2014-"') and not after.isspace():
                open_at = i
        elif ch in "'\u2019" and open_at >= 0:
            after = text[i + 1] if i + 1 < len(text) else " "
            if not after.isalnum() and not text[i - 1].isspace():
                spans.append((open_at, i + 1))
                open_at = -1
    if open_at >= 0:
        spans.append((open_at, end))
    return spans


EMPHASIS = re.compile(r"(?<!\w)([*_])(?=\S)[^\n*_]{1,300}?(?<=\S)\1(?!\w)")
"""`*I can't do this*`: thoughts set in italics are inner speech, not narration."""
SINGLE_OPENER = re.compile(r"(?:^|(?<=[\s(\[\u2014]))['\u2018](?=\w)", re.MULTILINE)


def uses_single_quotes(text: str, regions: list[tuple[int, int]]) -> bool:
    """True when dialogue is set in single quotes: openers far outnumber double quotes."""
    doubles = singles = 0
    for s, e in regions:
        chunk = text[s:e]
        doubles += chunk.count('"') + chunk.count("\u201c")
        singles += len(SINGLE_OPENER.findall(chunk))
    return singles >= 5 and doubles * 3 < singles


def sample_regions(doc: Document, limit: int = SAMPLE_CHARS) -> list[tuple[int, int]]:
    """The first `limit` characters of story text, as (start, end) pieces."""
    out = []
    left = limit
    for s, e in doc.story_regions():
        if left <= 0:
            break
        e = min(e, s + left)
        out.append((s, e))
        left -= e - s
    return out


def excluded_spans(doc: Document, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quoted spans (marks included) and `*italic*` thoughts inside the sample regions, sorted."""
    spans: list[tuple[int, int]] = []
    for s, e in regions:
        spans.extend(m.span() for m in EMPHASIS.finditer(doc.text, s, e))
    if doc.quotes:
        spans.extend((max(0, q.start - 1), q.end + 1) for q in doc.quotes)
        return sorted(spans)
    wrapped = paragraph_layout(doc) == "block"
    scan = single_quote_spans if uses_single_quotes(doc.text, regions) else quote_spans_scanned
    for s, e in regions:
        spans.extend(scan(doc.text, s, e, wrapped))
    return sorted(spans)


def narration_pieces(
    regions: list[tuple[int, int]], quoted: list[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """The sample regions minus the quoted spans."""
    starts = [q[0] for q in quoted]
    for s, e in regions:
        pos = s
        k = max(0, bisect_right(starts, s) - 1)
        while k < len(quoted) and quoted[k][0] < e:
            qs, qe = quoted[k]
            if qe > pos:
                if qs > pos:
                    yield pos, qs
                pos = max(pos, qe)
            k += 1
        if pos < e:
            yield pos, e


def count_tokens(doc: Document, pieces: list[tuple[int, int]], ev: Evidence) -> None:
    """Pronouns and finite verbs of the narration, from the spaCy tokens layer."""
    toks = doc.layers["tokens"]
    text = doc.text
    seen = 0
    for s, e in pieces:
        idx = toks.between(s, e)
        for i in idx:
            tag = toks.tag[i]
            word = text[toks.start[i] : toks.end[i]].lower().replace("\u2019", "'")
            if tag in ("PRP", "PRP$"):
                count_pronoun(word, ev)
                if word in FIRST and seen + toks.start[i] - s < OPENING_CHARS:
                    ev.opening_first += 1
                if word == "i":
                    ev.i_past += narrator_acts(toks, i, idx.stop)
            elif tag == "VBD":
                ev.past += 1
            elif tag in ("VBP", "VBZ"):
                ev.present += 1
            elif tag == "MD":
                if word in PAST_MODALS:
                    ev.past += 0.5
                elif word in PRESENT_MODALS:
                    ev.present += 0.5
            if word in ("y/n", "l/n"):
                ev.reader_insert += 1
        seen += e - s


def narrator_acts(toks: object, i: int, stop: int) -> int:
    """1 when "I" is followed by a past-tense verb (adverbs between allowed): "I said"."""
    tags = toks.tag  # type: ignore[attr-defined]
    j = i + 1
    while j < stop and j <= i + 3 and tags[j] in ("RB", "RBR"):
        j += 1
    return int(j < stop and tags[j] == "VBD")


def count_pronoun(word: str, ev: Evidence) -> None:
    if word in FIRST:
        ev.first += 1
    elif word in FIRST_PLURAL:
        ev.first_plural += 1
    elif word in SECOND:
        ev.second += 1
    elif word in THIRD:
        ev.third += 1
    elif word in THIRD_PLURAL:
        ev.third_plural += 1


def count_words(text: str, pieces: list[tuple[int, int]], ev: Evidence) -> None:
    """The same counts without spaCy: word lists instead of tags (a coarser fallback)."""
    seen = 0
    for s, e in pieces:
        found = list(WORD.finditer(text, s, e))
        words = [m.group(0) for m in found]
        for n, raw in enumerate(words):
            word = raw.lower().replace("\u2019", "'")
            if raw == "I" or word != "i":
                count_pronoun(word, ev)
                if word in FIRST and seen + found[n].start() - s < OPENING_CHARS:
                    ev.opening_first += 1
            if raw == "I" and n + 1 < len(words) and words[n + 1].lower() in PAST_WORDS:
                ev.i_past += 1
            if word in PAST_WORDS:
                ev.past += 1
            elif word in PRESENT_WORDS:
                ev.present += 1
            elif word in ("y/n", "l/n"):
                ev.reader_insert += 1
        seen += e - s


def analyse(doc: Document) -> Evidence:
    regions = sample_regions(doc)
    pieces = list(narration_pieces(regions, excluded_spans(doc, regions)))
    ev = Evidence(chars=sum(e - s for s, e in pieces))
    if "tokens" in doc.layers and len(doc.layers["tokens"]):
        count_tokens(doc, pieces, ev)
    else:
        count_words(doc.text, pieces, ev)
    ev.reader_insert = max(
        ev.reader_insert, sum(len(READER_INSERT.findall(doc.text, s, e)) for s, e in regions)
    )
    return ev


@stage("narration", requires=("tokens",), provides=("narration",))
def narration_stage(doc: Document, config: Config) -> None:
    ev = analyse(doc)
    doc.narration.pov = ev.pov()
    doc.narration.tense = ev.tense()
    doc.narration.extra["pov_tense_evidence"] = asdict(ev)
    if doc.narration.pov == "first" and ev.frame():
        doc.narration.extra["frame_narrator"] = True
