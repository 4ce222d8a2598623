"""The `consistency` stage: slips a writer would want pointed out, each with its location.

It writes `doc.layers["consistency"]`, a list of `{kind, start, end, message}` dicts:

- `pov_slip`: a first-person pronoun in third-person narration, outside quotations (an
  edit left half done, as in "inside my her head"). Narration that is really in the
  first person shows many such pronouns, so the check stands down when they are common.
- `tense_slip`: a present-tense verb after a pronoun subject ("she is") in past-tense
  narration, outside quotations; sentences that report thought or state general truths
  are left alone, and so is a story where such verbs are common (it is likely present).
- `name_spelling`: one name written two ways (names and aliases at a small edit distance,
  or a capitalised word that is one letter off a name and rarer than it).
- `unclosed_quote`: a paragraph that opens a quotation and never closes it, unless the next
  paragraph opens one too (the convention for speech running on). The quotes stage makes
  that call (`Quote.extra["unclosed"]`); this stage only reports it.

Everything is one pass over tokens or quotations; comparisons run over distinct names only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import Any

from ficlens.document import Document
from ficlens.pipeline import Config, stage
from ficlens.textunits import sentence_bounds, token_sentences

MAX_PER_KIND = 40
FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|myself)\b")
THIRD_PERSON = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b", re.IGNORECASE)
POSSESSIVES = {"my", "his", "her", "their", "its", "your", "our"}
THOUGHT_WORDS = re.compile(
    r"\b(?:thought|thinks|think|thinking|wonder(?:ed|s)?|mused|told (?:him|her|them)sel(?:f|ves)"
    r"|asked (?:him|her)self|prayed|wished|remembered|recalled|imagined)\b",
    re.IGNORECASE,
)
ASIDE = re.compile(r"I (?:believe|think|suppose|say|fear|admit|confess|grant|dare say)\b")
"""A narrator's aside ("which is, I believe, a blunder"): a voice, not a point-of-view slip."""
GENERIC_WORDS = re.compile(r"\b(?:always|never|every|everyone|anyone|nobody|whoever)\b", re.IGNORECASE)
SUBJECTS = {"he", "she"}
"""Only he/she: "they" and "it" so often open a general statement that they would mostly mislead."""
WORD = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)?")


def warning(kind: str, start: int, end: int, message: str) -> dict[str, Any]:
    return {"kind": kind, "start": start, "end": end, "message": message}


class QuotedMask:
    """Answers 'is this offset inside a quotation?' by bisection over merged spans."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def opening_mark(text: str, start: int) -> int:
    """Offset of the mark that opens the quotation whose words begin at `start`."""
    i = start - 1
    while i > 0 and text[i].isspace():
        i -= 1
    return max(i, 0)


def quote_checks(doc: Document) -> tuple[QuotedMask, list[dict[str, Any]]]:
    """The quotation mask (marks included), and a warning for every quotation the quotes
    stage marked `unclosed`: open at the end of its paragraph and not taken up by the next."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    out = []
    for q in doc.quotes:
        opener = opening_mark(text, q.start)
        spans.append((opener, min(len(text), q.end + 1)))
        if q.extra.get("unclosed"):
            out.append(
                warning(
                    "unclosed_quote",
                    opener,
                    q.end,
                    "A quotation opens here and the paragraph ends without closing it.",
                )
            )
    return QuotedMask(spans), out[:MAX_PER_KIND]


def sentence_at(bounds: tuple[list[int], list[int]], text: str, offset: int) -> tuple[int, int]:
    """The sentence around `offset`, or its line when there is no tokens layer."""
    starts, ends = bounds
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < ends[i]:
        return starts[i], ends[i]
    s = text.rfind("\n", 0, offset) + 1
    e = text.find("\n", offset)
    return s, len(text) if e < 0 else e


def pov_slips(
    doc: Document, mask: QuotedMask, bounds: tuple[list[int], list[int]]
) -> list[dict[str, Any]]:
    if doc.narration.pov != "third":
        return []
    text = doc.text
    first: list[re.Match[str]] = []
    third = 0
    for rs, re_ in doc.story_regions():
        for m in FIRST_PERSON.finditer(text, rs, re_):
            if m.start() not in mask:
                first.append(m)
        third += sum(1 for m in THIRD_PERSON.finditer(text, rs, re_) if m.start() not in mask)
    if not first or len(first) > max(3, third // 50):
        return []
    out = []
    for m in first:
        s, e = sentence_at(bounds, text, m.start())
        sentence = text[s:e]
        after = text[m.end() : m.end() + 8].split()
        doubled = m.group() == "my" and bool(after) and after[0].lower() in POSSESSIVES
        if not doubled and (THOUGHT_WORDS.search(sentence) or ASIDE.match(text, m.start())):
            continue
        hint = f' ("{m.group()} {after[0]}")' if doubled else ""
        out.append(
            warning(
                "pov_slip",
                m.start(),
                m.end(),
                f'First-person "{m.group()}" in third-person narration{hint}.',
            )
        )
    return out[:MAX_PER_KIND]


def tense_slips(
    doc: Document,
    mask: QuotedMask,
    bounds: tuple[list[int], list[int]],
    sents: list[tuple[int, int]],
) -> list[dict[str, Any]]:
    toks = doc.layers.get("tokens")
    if doc.narration.tense != "past" or toks is None:
        return []
    text = doc.text
    found: list[tuple[int, int, str]] = []
    narrated = 0
    for a, b in sents:
        if toks.start[a] in mask:
            continue
        narrated += 1
        for i in range(a, b - 1):
            if text[toks.start[i] : toks.end[i]].lower() not in SUBJECTS or toks.start[i] in mask:
                continue
            j = i + 1
            if toks.tag[j] == "RB" and j + 1 < b:
                j += 1
            # A third-person present verb always ends in "s" (is, has, wakes, 's); anything
            # else tagged VBZ is a tagger slip (e.g. "she bent") and is left alone.
            if toks.tag[j] != "VBZ" or toks.start[j] in mask or text[toks.end[j] - 1] not in "sS":
                continue
            found.append((toks.start[i], toks.end[j], text[toks.start[i] : toks.end[j]]))
            break
    if not found or len(found) > max(3, narrated // 5):
        return []
    out = []
    for s, e, phrase in found:
        ss, se = sentence_at(bounds, text, s)
        sentence = text[ss:se]
        if THOUGHT_WORDS.search(sentence) or GENERIC_WORDS.search(sentence):
            continue
        out.append(
            warning("tense_slip", s, e, f'Present tense "{phrase}" in past-tense narration.')
        )
    return out[:MAX_PER_KIND]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def allowed_distance(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def is_variant(a: str, b: str) -> bool:
    """Two spellings of one name: close, not a possessive or plural, not just case.

    Names differing only in their last letter (Maria/Marie, Julian/Julia...) are usually two
    names, so they do not count; a doubled or dropped letter inside a name does.
    """
    if a.lower() == b.lower() or a[0].lower() != b[0].lower():
        return False
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short) :].lower() in ("s", "'s", "es"):
        return False
    if len(a) == len(b) and a[:-1].lower() == b[:-1].lower():
        return False
    if len(long_) == len(short) + 1 and long_.lower().startswith(short.lower()) and long_[-1] != long_[-2]:
        return False
    limit = min(allowed_distance(a), allowed_distance(b))
    return limit > 0 and edit_distance(a.lower(), b.lower(), limit) <= limit


def name_spellings(doc: Document) -> list[dict[str, Any]]:
    text = doc.text
    owner: dict[str, str] = {}
    for c in doc.characters:
        for name in [c.name, *c.aliases]:
            for w in WORD.findall(name):
                owner.setdefault(w, c.id)
    if not owner:
        return []
    counts: Counter[str] = Counter()
    first_at: dict[str, tuple[int, int]] = {}
    toks = doc.layers.get("tokens")
    lower: set[str] = set()
    if toks is not None:
        for i in range(len(toks)):
            w = text[toks.start[i] : toks.end[i]]
            if not w.isalpha():
                continue
            if w[:1].isupper() and len(w) >= 5:
                counts[w] += 1
                first_at.setdefault(w, (toks.start[i], toks.end[i]))
            elif w.islower():
                lower.add(w)
    else:
        for rs, re_ in doc.story_regions():
            for m in WORD.finditer(text, rs, re_):
                counts[m.group()] += 1
                first_at.setdefault(m.group(), m.span())
    out: list[dict[str, Any]] = []
    names = sorted(owner)
    reported: set[frozenset[str]] = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if is_variant(a, b):
                rare, common = sorted((a, b), key=lambda w: counts.get(w, 0))
                s, e = first_at.get(rare, (0, 0))
                reported.add(frozenset((a, b)))
                out.append(
                    warning(
                        "name_spelling",
                        s,
                        e,
                        f'"{rare}" and "{common}" look like one name spelt two ways.',
                    )
                )
    for w, n in counts.items():
        # A word the story also writes in lower case is an ordinary word, not a name.
        if w in owner or n > 2 or w.lower() in lower:
            continue
        for name in names:
            if counts.get(name, 0) >= 3 * n and is_variant(w, name) and frozenset((w, name)) not in reported:
                s, e = first_at[w]
                out.append(
                    warning(
                        "name_spelling",
                        s,
                        e,
                        f'"{w}" ({n}x) may be a misspelling of "{name}" ({counts[name]}x).',
                    )
                )
                break
    out.sort(key=lambda w: w["start"])
    return out[:MAX_PER_KIND]


@stage("consistency", requires=("narration", "characters", "quotes"), provides=("consistency",))
def consistency_stage(doc: Document, config: Config) -> None:
    mask, unclosed = quote_checks(doc)
    sents = token_sentences(doc)
    bounds = sentence_bounds(doc, sents)
    found = pov_slips(doc, mask, bounds) + tense_slips(doc, mask, bounds, sents)
    found += name_spellings(doc) + unclosed
    found.sort(key=lambda w: (w["start"], w["kind"]))
    doc.layers["consistency"] = found
