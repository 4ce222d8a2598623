"""The `structure` stage: paratext, chapters and scenes of a plain-text story.

The text is cut into *units*: lines, or whole paragraphs when the file is hard-wrapped.
Units with an unmistakable cue (a separator line, a chapter heading, `A/N:`, `Disclaimer:`,
"Mara's POV", "THE END") are paratext wherever they stand. Everything else is story unless
it sits in a *zone*: the run of units at the top of the file or of a chapter before the
first story paragraph, or at the bottom after the last one. There, weaker cues count too:
`Summary:`/`Pairing:`-style labels, a title-like line at the top of the file, a byline, a
pen name after a note, and unlabelled author talk (ownership, reviews, "this chapter").
A zone ends at the first unit that has no cue, so a short or emotional first or last story
line ("This cannot be happening.") stays story.

When a reader already found chapters and paratext in markup (`doc.structure_from_markup`),
only separator lines and author's notes inside the story regions are added.
Scenes are the story stretches between scene breaks, inside chapters.

Decisions (what a careful reader calls paratext):
- Story-internal markers are story: `*Flashback*`, `*End Flashback*`, italic thoughts, a
  letter's "Love always,\nRuthie" when no note or byline vouches for it as a sign-off.
- A byline ("By: Pen", or a bare pen name under the title) is `other`; a pen name at the
  end (after a note, decorated `~Pen`, or equal to the byline) is `signature`, together with
  a valediction line above it ("Love always,"). A valediction alone ("Cheers!") is part of
  the author's note.
- A separator between a note and the story is `scene_break`, as the gold guidelines say.
- Unlabelled prose that mixes ownership with other author talk is `author_note`; pure
  ownership is `disclaimer`; a bare review request ("Please review!") is `other`.
- "Chapter 2" with its title on the next line is one `chapter_heading` span; AO3's
  "Chapter Text" line is `other`; lone counting numbers ("IV.", "12") are headings.
- Chapters run from their heading to the next heading (the last one to the end of the
  text); story before the first heading, or a one-shot, is one chapter from the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ficlens import paratext_cues as cues
from ficlens.document import Chapter, Document, Paratext, Scene
from ficlens.pipeline import Config, stage
from ficlens.textunits import WRAP_FILL, WRAP_WIDTHS, detect_layout

TERMINAL = tuple('.!?\u2026"\u201d)]*~')
NOTE_KINDS = ("author_note", "disclaimer", "summary")
LABELLED_KINDS = (*NOTE_KINDS, "other")
SHORT_SIGNOFF = re.compile(
    r"\b(?:thanks?\s+(?:you\s+)?(?:so\s+much\s+)?for\s+reading|hope\s+(?:you|y'all|everyone)\s+"
    r"(?:all\s+)?enjoy(?:ed)?|read\s+(?:and|&)\s+review|R\s*&\s*R|please\s+review|review\s+please|"
    r"reviews?\s+(?:are|is)\s+love|enjoy\s*!+\s*$)",
    re.IGNORECASE,
)
DISCLAIMER_CONTEXT = re.compile(
    r"\b(?:characters?|plot|story|fic|belongs?|rights?|show|series|books?|films?|movies?|"
    r"franchise|creators?|owners?|copyright|infringement|ideas?|OCs?|original|universe|world)\b",
    re.IGNORECASE,
)
REVIEW_REQUEST = re.compile(
    r"^(?:please\s+)?(?:read\s+(?:and|&)\s+)?(?:review|R\s*&\s*R|comment)\b.{0,80}$|"
    r"^.{0,40}\b(?:please\s+review|review\s+please|reviews?\s+(?:are|is)\s+love)\b.{0,60}$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Unit:
    """A line, or a hard-wrapped paragraph, with its stripped extent in the text."""

    start: int
    end: int
    text: str
    block: int
    kind: str | None = None
    heading: bool = False

    @property
    def story(self) -> bool:
        return self.kind is None and not self.heading


def split_units(text: str) -> list[Unit]:
    """Lines as units; a hard-wrapped paragraph (lines of similar width) is one unit."""
    lines: list[tuple[int, int, int]] = []  # start, end, block
    block = 0
    pos = 0
    blank_before = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            if blank_before and lines:
                block += 1
            lead = len(raw) - len(raw.lstrip())
            lines.append((pos + lead, pos + lead + len(stripped), block))
            blank_before = False
        else:
            blank_before = True
        pos += len(raw) + 1
    units: list[Unit] = []
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1][2] == lines[i][2]:
            j += 1
        group = lines[i : j + 1]
        units.extend(wrap_group(text, group))
        i = j + 1
    return units


def wrap_group(text: str, group: list[tuple[int, int, int]]) -> list[Unit]:
    """One block of consecutive lines: a single unit if it is hard-wrapped prose, else lines."""
    as_lines = [Unit(s, e, text[s:e], b) for s, e, b in group]
    if len(group) < 2:
        return as_lines
    widths = [e - s for s, e, _ in group]
    widest = max(widths)
    lo, hi = WRAP_WIDTHS
    wrapped = lo <= widest <= hi and all(w >= WRAP_FILL * widest for w in widths[:-1])
    if not wrapped:
        return as_lines
    head: list[Unit] = []
    body = as_lines
    if cues.chapter_heading(body[0].text) or cues.is_scene_break(body[0].text):
        head, body = body[:1], body[1:]
    if any(own_line_cue(u.text) for u in body[1:]):
        return as_lines
    if not body:
        return head
    merged = Unit(body[0].start, body[-1].end, text[body[0].start : body[-1].end], body[0].block)
    return [*head, merged]


def own_line_cue(line: str) -> bool:
    """Cues strong enough to split a hard-wrapped paragraph: a heading, a separator, a note."""
    return (
        cues.chapter_heading(line)
        or cues.is_scene_break(line)
        or cues.label_kind(line, zone=False) in ("author_note", "disclaimer")
    )


def talk_kind(text: str) -> str | None:
    """The kind of an unlabelled paragraph in a zone if it is its author talking, else None."""
    if text[:1] in cues.QUOTE_OPENERS:
        return None
    talk = cues.author_talk(text)
    short = len(text) <= 160
    if talk.narrative >= 3 and talk.narrative * 80 > len(text):
        return None
    if talk.disclaimer:
        others = talk.review + talk.meta + talk.reader
        if others:
            return "author_note"
        sentences = len(re.findall(r"[.!?]+(?:\s|$)", text))
        # "I own nothing but the clothes on my back." opens stories too: a disclaimer
        # names what is not owned (characters, plot, the show...) or is a bare formula.
        if sentences <= 3 and (DISCLAIMER_CONTEXT.search(text) or len(text) <= 30):
            return "disclaimer"
        return None
    if short and REVIEW_REQUEST.match(text) and not talk.meta:
        return "other"
    dense = talk.evidence * 400 >= len(text)
    if dense and (talk.kinds >= 2 or talk.evidence >= 3):
        return "author_note"
    if short and SHORT_SIGNOFF.search(text):
        return "author_note"
    return None


class Layout:
    """Units of one plain-text document and the paratext decisions taken on them."""

    def __init__(self, text: str):
        self.text = text
        self.units = split_units(text)
        self.title: Unit | None = None
        self.byline: str | None = None
        self.absorbed: dict[int, int] = {}
        """unit index -> index of the labelled unit whose block it continues."""

    def classify(self) -> None:
        units = self.units
        numerals = self.numeral_headings()
        for i, u in enumerate(units):
            if i in numerals or cues.chapter_heading(u.text):
                u.heading = True
            elif cues.is_scene_break(u.text):
                u.kind = "scene_break"
            else:
                u.kind = cues.label_kind(u.text, zone=False)
                if u.kind == "other" and self.continues_sentence(i):
                    u.kind = None
        self.attach_chapter_titles()
        segments = self.segments()
        if len(segments) > 1 and units and not units[0].heading:
            self.dedication(*segments[0])
        for n, (lo, hi) in enumerate(segments):
            top = n == 0 and bool(units) and not units[lo].heading
            front_end = self.front_zone(lo, hi, top=top)
            self.back_zone(max(lo, front_end), hi)
        self.continue_notes()
        for i, u in enumerate(units[:-1]):
            if u.kind in LABELLED_KINDS and cues.label_only(u.text) and units[i + 1].kind == u.kind:
                self.absorbed[i + 1] = i

    def dedication(self, lo: int, hi: int) -> None:
        """Front matter before the first chapter heading that opens with a dedication ("To
        Edmund Clerihew Bentley"): the dedication line is paratext, and so is what follows it
        (a dedicatory poem) when a signature closes it just before the heading."""
        units = self.units
        story = [i for i in range(lo, hi) if units[i].story]
        start = next((i for i in story[:4] if cues.dedication(units[i].text) and self.alone_line(i)), None)
        if start is None:
            return
        end = start
        if story[-1] > start and cues.signs_off(units[story[-1]].text):
            end = story[-1]
        for i in range(start, end + 1):
            if units[i].story:
                units[i].kind = "other"

    def alone_line(self, i: int) -> bool:
        """A line that is the first of its block or alone in it (not inside a paragraph)."""
        return i == 0 or self.units[i - 1].block != self.units[i].block

    def continues_sentence(self, i: int) -> bool:
        """True when unit i goes on from a line of its block that stopped mid-sentence."""
        prev = self.units[i - 1] if i > 0 else None
        return (
            prev is not None
            and prev.block == self.units[i].block
            and not prev.text.endswith(TERMINAL)
        )

    def alone(self, i: int) -> bool:
        """True when unit i is the only unit of its block (a line with blank lines around)."""
        units = self.units
        block = units[i].block
        return (i == 0 or units[i - 1].block != block) and (
            i + 1 >= len(units) or units[i + 1].block != block
        )

    def numeral_headings(self) -> set[int]:
        """Lone numbers ("IV.", "12", "~ 3 ~") are chapter headings when they count up."""
        found: list[tuple[int, int]] = []
        for i, u in enumerate(self.units):
            value = cues.numeral_value(u.text)
            if value is not None and self.alone(i):
                found.append((i, value))
        steps = sum(1 for a, b in zip(found, found[1:], strict=False) if b[1] == a[1] + 1)
        if len(found) >= 2 and steps * 2 >= len(found) - 1:
            return {i for i, _ in found}
        return set()

    def attach_chapter_titles(self) -> None:
        """A bare "Chapter 2" followed by a lone title-like line: that line is its title."""
        units = self.units
        for i, u in enumerate(units[:-1]):
            nxt = units[i + 1]
            bare = re.fullmatch(
                r"[\W_]*(?:chapter|chap\.?|ch\.?|part|book|act|volume|vol\.?)\s*\S+[\W_]*",
                u.text,
                re.IGNORECASE,
            )
            if (
                u.heading
                and bare
                and nxt.story
                and cues.is_title_like(nxt.text)
                and not nxt.text.endswith(("!", "?", "..."))
                and (i + 2 >= len(units) or units[i + 2].block != nxt.block)
            ):
                nxt.heading = True
                if nxt.block == u.block:
                    self.absorbed[i + 1] = i

    def segments(self) -> list[tuple[int, int]]:
        """Unit ranges between chapter headings: [0, first heading), [heading, next heading)..."""
        bounds = [0]
        for i, u in enumerate(self.units):
            if u.heading and i > 0 and not self.units[i - 1].heading:
                bounds.append(i)
        bounds.append(len(self.units))
        return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a or a == 0]

    def front_zone(self, lo: int, hi: int, top: bool) -> int:
        """Mark the paratext at the top of a segment; return the index of its first story unit."""
        units = self.units
        i = lo
        while i < hi and units[i].heading:
            i += 1
        while i < hi:
            u = units[i]
            if u.kind is not None:
                i = self.take_label_body(i, hi)
                continue
            kind = cues.label_kind(u.text, zone=True)
            if kind == "other" and cues.byline_name(u.text):
                self.byline = self.byline or cues.byline_name(u.text)
            if kind == "title" and self.title is None:
                self.title = u
            if kind is None and top and self.title is None and cues.is_title_like(u.text):
                if self.bare_byline_follows(i, hi):
                    nxt = units[i + 1].text
                    self.byline = cues.byline_name(nxt) or cues.pen_name(nxt)
                    units[i + 1].kind = "other"
                    kind = "title"
                    self.title = u
                elif not self.block_continues(i) or self.title_block(i):
                    kind = "title"
                    self.title = u
                    for j in range(i + 1, hi):
                        if units[j].block != u.block:
                            break
                        units[j].kind = units[j].kind or "other"
            if kind is None and cues.loose_label(u.text) and self.in_header_block(i):
                kind = "other"
            if kind is None:
                kind = talk_kind(u.text)
            if kind is None:
                return i
            u.kind = kind
            i = self.take_label_body(i, hi)
        return i

    def bare_byline_follows(self, i: int, hi: int) -> bool:
        """AO3 pastes put the author's name alone on the line under the title."""
        units = self.units
        if i + 1 >= hi or units[i + 1].block != units[i].block or units[i + 1].kind is not None:
            return False
        nxt = units[i + 1].text
        last_in_block = i + 2 >= len(units) or units[i + 2].block != units[i].block
        return last_in_block and cues.pen_name(nxt) is not None and len(nxt.split()) <= 3

    def block_continues(self, i: int) -> bool:
        """True when the next unit is in the same block (a title stands alone in its block)."""
        units = self.units
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is None or nxt.block != units[i].block:
            return False
        if cues.loose_label(nxt.text) and self.in_header_block(i + 1):
            return False
        return cues.label_kind(nxt.text, zone=True) is None

    def title_block(self, i: int) -> bool:
        """A title with a line or two under it ("A Wind in the Willows fic, written for the
        Winter Exchange") at the top of the file, with a labelled note or disclaimer right
        after the block: the whole block is header."""
        units = self.units
        block = [u for u in units[i : i + 4] if u.block == units[i].block]
        after = units[i + len(block)] if i + len(block) < len(units) else None
        return (
            i == 0
            and 1 < len(block) <= 3
            and all(len(u.text) <= 120 and not u.heading for u in block)
            and after is not None
            and after.kind in NOTE_KINDS
        )

    def in_header_block(self, i: int) -> bool:
        """Whether unit i sits in a block of header lines: a known label ("Pairing:",
        "Warnings:") on another line of the same block, so that unfamiliar labels around it
        ("Requested by:", "Soundtrack:") are header matter too."""
        block = self.units[i].block
        return any(
            j != i and u.block == block and cues.label_kind(u.text, zone=True) == "other"
            for j, u in enumerate(self.units[max(0, i - 8) : i + 9], start=max(0, i - 8))
        )

    def take_label_body(self, i: int, hi: int) -> int:
        """After a bare label ("Summary:"), its body paragraph belongs to it; return next index."""
        units = self.units
        u = units[i]
        if u.kind in LABELLED_KINDS and cues.label_only(u.text) and i + 1 < hi:
            nxt = units[i + 1]
            if nxt.kind is None and not nxt.heading:
                nxt.kind = u.kind
                self.absorbed[i + 1] = i
                return i + 2
        return i + 1

    def back_zone(self, lo: int, hi: int) -> None:
        """Mark the paratext at the bottom of a segment, walking up from its last unit."""
        units = self.units
        i = hi - 1
        signed = False
        while i >= lo and not units[i].heading:
            u = units[i]
            if u.kind is not None:
                i -= 1
                continue
            if not signed and cues.pen_name(u.text) is not None:
                first = i - 1 if i - 1 >= lo and cues.VALEDICTION.match(units[i - 1].text) else i
                if self.signature_confirmed(first, i, lo):
                    for k in range(first, i + 1):
                        units[k].kind = "signature"
                    signed = True
                    i = first - 1
                    continue
            kind = cues.label_kind(u.text, zone=True)
            if kind is None and cues.VALEDICTION.match(u.text):
                kind = "author_note"
            if kind is None:
                kind = talk_kind(u.text)
            if kind is None and self.note_goes_on(i, lo):
                kind = "author_note"
            if kind is None:
                return
            u.kind = kind
            i -= 1

    def note_goes_on(self, i: int, lo: int) -> bool:
        """A paragraph between a labelled author's note and the end of its chapter that still
        talks like the author ("Also, huge thanks to my beta!") continues that note."""
        units = self.units
        if i - 1 < lo or units[i - 1].kind != "author_note":
            return False
        text = units[i].text
        if text[:1] in cues.QUOTE_OPENERS:
            return False
        return cues.author_talk(text).evidence >= 1 or bool(SHORT_SIGNOFF.search(text))

    def signature_confirmed(self, first: int, last: int, lo: int) -> bool:
        """A pen name signs off when decorated (`~Pen`), after "Love always,", equal to the
        byline, or right below other paratext (an author's note, "THE END")."""
        units = self.units
        line = units[last].text.strip()
        name = cues.pen_name(line) or ""
        if line[:1] in "~-\u2013\u2014":
            return True
        if self.byline is not None and name.lower() == self.byline.lower():
            return True
        above = first - 1
        if above < lo or units[above].heading:
            return False
        prev = units[above]
        if prev.kind is not None:
            return prev.kind != "title"
        return cues.label_kind(prev.text, zone=True) is not None or talk_kind(prev.text) is not None

    def continue_notes(self) -> None:
        """A labelled note cut by hard line breaks keeps its unlabelled continuation lines."""
        units = self.units
        for i in range(1, len(units)):
            prev, u = units[i - 1], units[i]
            if (
                u.story
                and prev.kind in (*NOTE_KINDS, "other")
                and prev.block == u.block
                and not prev.text.endswith(TERMINAL)
                and len(prev.text.rsplit("\n", 1)[-1]) >= 40
                and not cues.is_title_like(u.text)
            ):
                u.kind = prev.kind
                self.absorbed[i] = self.absorbed.get(i - 1, i - 1)

    def paratext(self) -> list[Paratext]:
        """Paratext spans: a label's body and wrapped continuations join their label's span."""
        out: list[Paratext] = []
        for i, u in enumerate(self.units):
            kind = "chapter_heading" if u.heading else u.kind
            if kind is None:
                continue
            joined = (
                out
                and out[-1].kind == kind
                and (i in self.absorbed or kind == "signature")
                and self.units[i - 1].end == out[-1].end
            )
            if joined:
                out[-1].end = u.end
            else:
                out.append(Paratext(kind, u.start, u.end))
        return out

    def chapters(self, title: str) -> list[Chapter]:
        units = self.units
        end = len(self.text.rstrip())
        heads: list[list[Unit]] = []
        for i, u in enumerate(units):
            if u.heading:
                if i > 0 and units[i - 1].heading and heads:
                    heads[-1].append(u)
                else:
                    heads.append([u])
        story = [u for u in units if u.story]
        if not heads:
            if not story:
                return [Chapter(title, 0, end)]
            start = self.title.start if self.title else story[0].start
            return [Chapter(title, start, end)]
        out: list[Chapter] = []
        before = [u for u in story if u.start < heads[0][0].start]
        if before:
            start = self.title.start if self.title else before[0].start
            out.append(Chapter(title, start, heads[0][0].start))
        for n, group in enumerate(heads):
            stop = heads[n + 1][0].start if n + 1 < len(heads) else end
            name = ": ".join(heading_title(u.text) for u in group)
            out.append(Chapter(name, group[0].start, max(stop, group[-1].end)))
        return out


def heading_title(text: str) -> str:
    return text.strip().strip("*_~=#-\u2013\u2014 ").strip() or text.strip()


def scenes_of(doc: Document) -> list[Scene]:
    """Story stretches between scene breaks within each chapter, trimmed to their story text."""
    text = doc.text
    blocks = sorted((p.start, p.end, p.kind) for p in doc.paratext)
    scenes: list[Scene] = []
    for ci, ch in enumerate(doc.chapters):
        pieces: list[list[tuple[int, int]]] = [[]]
        pos = ch.start
        for s, e, kind in blocks:
            if e <= ch.start or s >= ch.end:
                continue
            pieces[-1].append((pos, max(pos, s)))
            if kind == "scene_break":
                pieces.append([])
            pos = max(pos, e)
        pieces[-1].append((pos, ch.end))
        for piece in pieces:
            extent = story_extent(text, piece)
            if extent:
                scenes.append(Scene(ci, *extent))
    return scenes


def story_extent(text: str, gaps: list[tuple[int, int]]) -> tuple[int, int] | None:
    """First and last non-space character of the story gaps between paratext blocks."""
    first: int | None = None
    last = 0
    for a, b in gaps:
        seg = text[a:b]
        if seg.strip():
            if first is None:
                first = a + len(seg) - len(seg.lstrip())
            last = a + len(seg.rstrip())
    return (first, last) if first is not None else None


def markup_additions(doc: Document) -> list[Paratext]:
    """Separators and author's notes inside the story regions a reader left as story."""
    text = doc.text
    out: list[Paratext] = []
    for rs, re_ in list(doc.story_regions()):
        pos = rs
        for raw in text[rs:re_].split("\n"):
            stripped = raw.strip()
            if stripped:
                s = pos + len(raw) - len(raw.lstrip())
                e = s + len(stripped)
                kind = "scene_break" if cues.is_scene_break(stripped) else None
                if kind is None and cues.label_kind(stripped, zone=False) in NOTE_KINDS:
                    kind = cues.label_kind(stripped, zone=False)
                if kind:
                    out.append(Paratext(kind, s, e))
                else:
                    out.extend(
                        Paratext("author_note", a, b) for a, b in cues.inline_notes(text, s, e)
                    )
            pos += len(raw) + 1
    return out


def inline_additions(doc: Document, units: list[Unit]) -> list[Paratext]:
    return [
        Paratext("author_note", a, b)
        for u in units
        if u.story
        for a, b in cues.inline_notes(doc.text, u.start, u.end)
    ]


def normalise(blocks: list[Paratext]) -> list[Paratext]:
    """Sorted, non-overlapping: a block inside an earlier one is dropped."""
    out: list[Paratext] = []
    for p in sorted(blocks, key=lambda p: (p.start, -p.end)):
        if p.end <= p.start:
            continue
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


def header_fields(doc: Document) -> list[tuple[str, str | list[str]]]:
    """Metadata from the header lines of a plain-text story ("Pairing: Red/Liz"), read from
    the paratext before the first story paragraph."""
    first_story = next((a for a, b in doc.story_regions() if doc.text[a:b].strip()), len(doc.text))
    out = []
    for p in doc.paratext:
        if p.start >= first_story:
            break
        if p.kind == "other":
            for line in doc.text[p.start : p.end].splitlines():
                field = cues.header_field(line)
                if field is not None:
                    out.append(field)
    return out


@stage("structure", provides=("paratext", "chapters", "scenes", "paragraph_layout"))
def structure_stage(doc: Document, config: Config) -> None:
    if doc.structure_from_markup:
        doc.paratext = normalise([*doc.paratext, *markup_additions(doc)])
        if not doc.chapters:
            doc.chapters = [
                Chapter(str(doc.metadata.get("title") or ""), 0, len(doc.text.rstrip()))
            ]
        doc.scenes = scenes_of(doc)
        doc.layers["paragraph_layout"] = detect_layout(doc.text, list(doc.story_regions()))
        return
    layout = Layout(doc.text)
    layout.classify()
    blocks = layout.paratext()
    blocks.extend(inline_additions(doc, layout.units))
    doc.paratext = normalise(blocks)
    title = layout.title.text if layout.title else ""
    if title.lower().startswith("title") and ":" in title:
        title = title.split(":", 1)[1].strip()
    if title:
        doc.metadata.setdefault("title", title)
    if layout.byline:
        doc.metadata.setdefault("authors", [layout.byline])
    for key, value in header_fields(doc):
        doc.metadata.setdefault(key, value)
    doc.chapters = layout.chapters(title or str(doc.metadata.get("title") or ""))
    doc.scenes = scenes_of(doc)
    doc.layers["paragraph_layout"] = detect_layout(doc.text, list(doc.story_regions()))
