"""Where characters are named in the narration, found by the cast's own aliases.

The speakers stage needs to know, at any offset, which character a name or pronoun there
refers to. Name mentions come from the characters stage when it recorded them, and from one
pass of a capitalised-word scan matched against every alias (so "said the Admiral" works
even before mentions exist); pronoun mentions come from coref when it ran.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ficlens.document import Document

_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
CAPITALISED = re.compile(
    rf"(?:\b[Tt]he{_GAP})?\b[A-Z][\w'\u2019-]*\.?(?:{_GAP}(?:(?:of|de|van|von|der|den|du|la|le|da|di|del|ten|ter){_GAP}){{0,2}}[A-Z][\w'\u2019-]*\.?)*"
)
WORD_SPLIT = re.compile(r"[^\s]+")
DESCRIPTION = re.compile(
    rf"\b(?:[Tt]he|[Hh]is|[Hh]er|[Aa]n?){_GAP}[a-z][\w'\u2019-]*(?:,?{_GAP}[a-z][\w'\u2019-]*){{0,{4}}}"
)
"""A lower-case description ("the beach attendant", "his colleague"): a character when the
cast names someone that way ("The Beach Attendant")."""
DETERMINERS = ("the ", "his ", "her ", "a ", "an ")
MAX_ALIAS_WORDS = 5


def norm_name(s: str) -> str:
    """Case-, dot- and apostrophe-insensitive key for an alias ("Mr. Elliot" == "mr elliot")."""
    s = s.replace("\u2019", "'").replace(".", " ").lower()
    if s.endswith("'s"):
        s = s[:-2]
    return " ".join(s.split())


@dataclass
class MentionIndex:
    """Character mentions sorted by start: (start, end, character id, kind)."""

    items: list[tuple[int, int, str, str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    descriptions: list[tuple[int, int, str, str]] = field(default_factory=list)
    """Lower-case descriptions that are a character's cast name ("the policeman"): kept apart,
    because narrators also use such words as epithets for named characters ("the painter")."""

    def build(self) -> MentionIndex:
        self.items.sort()
        self.starts = [m[0] for m in self.items]
        return self

    def between(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.items) and self.items[i][0] < end:
            if self.items[i][1] <= end:
                out.append(self.items[i])
            i += 1
        return out

    def before(self, offset: int) -> int:
        """Index of the first mention starting at or after `offset`."""
        return bisect_left(self.starts, offset)


TITLES = frozenset(
    ["mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord", "captain", "capt", "major", "colonel", "col", "general", "admiral", "professor", "prof", "mister", "madam", "madame", "monsieur", "mademoiselle", "uncle", "aunt", "father", "mother", "brother", "sister", "rev", "reverend", "count", "countess", "duke", "duchess", "prince", "princess", "king", "queen", "agent", "detective", "inspector", "sergeant", "officer", "doctor"]
)
HONORIFICS = frozenset(["mr", "mrs", "miss", "ms", "sir", "lady", "lord", "mister", "madam", "madame", "monsieur", "mademoiselle"])
NOT_ALIAS = frozenset({"i", "me", "you", "he", "she", "him", "her", "they", "we"})


def alias_variants(alias: str) -> list[tuple[str, int]]:
    """The alias itself (rank 2) and the shorter forms a narrator uses (rank 1 without its
    title: "Mr. Mcbryde" -> "Mcbryde"; rank 0 the surname of a full name)."""
    key = norm_name(alias).removeprefix("the ")
    out = [(key, 2)]
    words = key.split()
    if len(words) >= 2 and words[0] in TITLES:
        out.append((" ".join(words[1:]), 1))
        if words[0] not in HONORIFICS:
            out.append((words[0], 0))  # "the Professor", "the Major"
    elif len(words) == 2 and words[0] not in TITLES:
        out.append((words[1], 0))
    return out


def alias_table(doc: Document) -> dict[str, str]:
    """Normalised alias -> character id. A string written as an alias wins over a derived
    short form; a short form shared by several characters goes to the one a bare surname
    usually means (a man, in the fiction ficlens reads), then the more mentioned."""
    table: dict[str, str] = {}
    weight: dict[str, tuple[int, int, int]] = {}
    for c in doc.characters:
        for a in {c.name, *c.aliases}:
            for key, rank in alias_variants(a):
                if not key or key in NOT_ALIAS or (rank < 2 and key in HONORIFICS):
                    continue
                w = (rank, int(rank < 2 and c.gender == "M"), len(c.mentions))
                if key not in table or w > weight[key]:
                    table[key] = c.id
                    weight[key] = w
    return table


def description_table(doc: Document) -> dict[str, str]:
    """Normalised description -> character id, for characters the cast names by a description
    ("The Policeman", "His Colleague") or by a title one of them holds far more often than
    anyone else ("the general" for General Tilney): narration writes them in lower case mid-sentence."""
    table: dict[str, str] = {}
    titled: dict[str, set[str]] = {}
    for c in doc.characters:
        for a in {c.name, *c.aliases}:
            key = norm_name(a)
            if key.startswith(DETERMINERS) and len(key.split()) >= 2:
                table.setdefault(key.removeprefix("the "), c.id)
            words = key.removeprefix("the ").split()
            if words and words[0] in TITLES and words[0] not in HONORIFICS:
                titled.setdefault(words[0], set()).add(c.id)
    weight = {c.id: len(c.mentions) for c in doc.characters}
    for title, cids in titled.items():
        ranked = sorted(cids, key=lambda cid: -weight.get(cid, 0))
        if len(ranked) == 1 or weight.get(ranked[0], 0) >= 3 * max(1, weight.get(ranked[1], 0)):
            table.setdefault(title, ranked[0])  # "the general": the General the story is about
    return table


def scan_descriptions(
    text: str, regions: list[tuple[int, int]], table: dict[str, str]
) -> list[tuple[int, int, str, str]]:
    """Mentions of characters by their descriptive names, the longest match first."""
    out: list[tuple[int, int, str, str]] = []
    if not table:
        return out
    for rs, re_ in regions:
        for m in DESCRIPTION.finditer(text, rs, re_):
            words = [(w.start(), w.end()) for w in WORD_SPLIT.finditer(text, m.start(), m.end())]
            for k in range(len(words), 1, -1):
                key = norm_name(text[words[0][0] : words[k - 1][1]].replace(",", ""))
                cid = table.get(key.removeprefix("the ")) if key.startswith("the ") else table.get(key)
                if cid is not None:
                    e = words[k - 1][1]
                    while not text[e - 1].isalnum():
                        e -= 1
                    out.append((words[0][0], e, cid, "name"))
                    break
    return out


def scan_names(
    text: str, regions: list[tuple[int, int]], table: dict[str, str]
) -> list[tuple[int, int, str, str]]:
    """Name mentions of known aliases: one regex pass over capitalised word runs."""
    out: list[tuple[int, int, str, str]] = []
    if not table:
        return out
    for rs, re_ in regions:
        for m in CAPITALISED.finditer(text, rs, re_):
            words = [(w.start(), w.end()) for w in WORD_SPLIT.finditer(text, m.start(), m.end())]
            i = 0
            while i < len(words):
                hit, cid = None, ""
                for k in range(min(len(words), i + MAX_ALIAS_WORDS), i, -1):
                    key = norm_name(text[words[i][0] : words[k - 1][1]]).removeprefix("the ")
                    if key in table:
                        hit, cid = k, table[key]
                        break
                if hit is None:
                    i += 1
                    continue
                s, e = words[i][0], words[hit - 1][1]
                while e > s and not text[e - 1].isalnum():
                    e -= 1
                if text[s : e].endswith(("'s", "\u2019s")):
                    e -= 2
                out.append((s, e, cid, "name"))
                i = hit
    return out


def mention_index(doc: Document) -> tuple[MentionIndex, dict[int, str]]:
    """All name mentions, and pronoun start offset -> character id from coref."""
    idx = MentionIndex()
    seen: set[int] = set()
    pronouns: dict[int, str] = {}
    for c in doc.characters:
        for m in c.mentions:
            if m.kind in ("pronoun", "narrator"):
                pronouns[m.start] = c.id
            elif m.start not in seen:
                seen.add(m.start)
                idx.items.append((m.start, m.end, c.id, m.kind))
    regions = list(doc.story_regions())
    for item in scan_names(doc.text, regions, alias_table(doc)):
        if item[0] not in seen:
            seen.add(item[0])
            idx.items.append(item)
    idx.descriptions = [
        m for m in scan_descriptions(doc.text, regions, description_table(doc)) if m[0] not in seen
    ]
    return idx.build(), pronouns
