"""The core data model: one `Document` holding one `text` and typed layers of spans into it.

Every offset anywhere in ficlens is a 0-based, end-exclusive index into `Document.text`
(Unicode code points), exactly as the output contract requires. Readers create the
document; stages add layers; writers turn it into JSON, Parquet or HTML. A stage only
reads the layers other stages declared, never their internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ParatextKind = Literal[
    "title",
    "chapter_heading",
    "disclaimer",
    "author_note",
    "summary",
    "scene_break",
    "signature",
    "other",
]
PARATEXT_KINDS: tuple[str, ...] = (
    "title",
    "chapter_heading",
    "disclaimer",
    "author_note",
    "summary",
    "scene_break",
    "signature",
    "other",
)
Gender = Literal["M", "F", "N", "U"]
Speech = Literal["spoken", "thought", "written", "other"]
RelationshipKind = Literal[
    "romantic", "friendship", "family", "professional", "adversarial", "unknown"
]
MentionKind = Literal["name", "pronoun", "nominal", "narrator"]
ParagraphLayout = Literal["line", "block"]
"""How paragraphs are laid out in plain text: one per line, or blocks of hard-wrapped lines."""


@dataclass(slots=True)
class Source:
    """Where the document came from: `format` is `txt`, `html` or `epub`."""

    path: str
    format: str
    sha256: str
    size: int = 0


@dataclass(slots=True)
class Paratext:
    """A block that is not story: a title, an author's note, a scene-break line..."""

    kind: str
    start: int
    end: int


@dataclass(slots=True)
class Chapter:
    title: str
    start: int
    end: int


@dataclass(slots=True)
class Scene:
    """A stretch of story between scene breaks, inside one chapter."""

    chapter: int
    start: int
    end: int


@dataclass(slots=True)
class Mention:
    """A span that refers to a character: a name, a pronoun, a description, or `I` of a narrator."""

    start: int
    end: int
    kind: str = "name"


@dataclass
class Character:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    gender: str = "U"
    mentions: list[Mention] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mention_count(self) -> int:
        return len(self.mentions)


@dataclass
class Quote:
    """Quoted words, without their marks. `speaker` and `addressees` are character ids."""

    start: int
    end: int
    speaker: str | None = None
    addressees: list[str] = field(default_factory=list)
    speech: str = "spoken"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Relationship:
    a: str
    b: str
    kind: str = "unknown"
    score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Narration:
    pov: str = "third"
    tense: str = "past"
    narrator: str | None = None
    focal_character: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """One story: its text and everything found in it."""

    text: str
    source: Source
    metadata: dict[str, Any] = field(default_factory=dict)
    paratext: list[Paratext] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    narration: Narration = field(default_factory=Narration)
    characters: list[Character] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layers: dict[str, Any] = field(default_factory=dict)
    """Intermediate layers shared between stages (e.g. `tokens`), not written to the contract."""
    structure_from_markup: bool = False
    """True when a reader already found chapters and paratext from HTML/EPUB markup."""

    def character(self, cid: str | None) -> Character | None:
        if cid is None:
            return None
        for c in self.characters:
            if c.id == cid:
                return c
        return None

    def story_regions(self) -> Iterator[tuple[int, int]]:
        """Maximal stretches of `text` that are not paratext, in order."""
        blocks = sorted((p.start, p.end) for p in self.paratext)
        pos = 0
        for s, e in blocks:
            if s > pos:
                yield pos, s
            pos = max(pos, e)
        if pos < len(self.text):
            yield pos, len(self.text)

    def is_paratext(self, offset: int) -> bool:
        return any(p.start <= offset < p.end for p in self.paratext)

    def word_count(self) -> int:
        return sum(len(self.text[s:e].split()) for s, e in self.story_regions())
