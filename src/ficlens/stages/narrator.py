"""The `narrator` stage: who says "I" in a first-person story, the reader-insert "Y/N" of a
second-person one, and a first guess at the focal character of a third-person one.

A first-person narrator is rarely named in her own narration; other characters name her in
dialogue ("No, Christine," he said). So a name scores as the narrator when it is used as a
vocative in a quote that the "I" of the narration does not speak, when it appears only inside
quotes, or when it follows "my name is". Without any such name the narrator is a character
called "Narrator", and so is a frame narrator (an "I" who opens the telling of someone
else's story: the focal character is then that someone). The coref stage refines the third-person focal character once pronouns are
resolved.
"""

from __future__ import annotations

import re
from collections import Counter

from ficlens.document import Character, Document, Mention
from ficlens.names import (
    FEMALE_PRONOUNS,
    FIRST_PERSON,
    MALE_PRONOUNS,
    PERCEPTION_VERBS,
    READER_INSERT,
    QuoteIndex,
    fold,
    is_known_first_name,
    quote_spans,
)
from ficlens.pipeline import REGISTRY, Config, stage

WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
MY_NAME = re.compile(
    r"\b(?:[Mm]y name(?:'s| is)|[Cc]all me|I am|I'm)\s+([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?)"
)
POV_SIGN = re.compile(r"([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?)(?:'s|\u2019s)?\s+(?:POV|P\.O\.V\.|point of view)", re.I)
VOCATIVE_AFTER = frozenset(",!?.\u2014-\u2026")


def person_counts(doc: Document, quotes: QuoteIndex) -> Counter[str]:
    """First/second/third-person pronoun counts in narration (outside quotes)."""
    counts: Counter[str] = Counter()
    for rs, re_ in doc.story_regions():
        for m in WORD.finditer(doc.text, rs, re_):
            w = m.group().lower()
            if w in FIRST_PERSON:
                kind = "first"
            elif w in ("you", "your", "yours", "yourself"):
                kind = "second"
            elif w in MALE_PRONOUNS or w in FEMALE_PRONOUNS:
                kind = "third"
            else:
                continue
            if not quotes.inside(m.start()):
                counts[kind] += 1
    return counts


def point_of_view(doc: Document, quotes: QuoteIndex) -> str:
    """The narration stage's POV when it ran; else a pronoun count of the narration."""
    if "narration" in REGISTRY:
        return doc.narration.pov
    c = person_counts(doc, quotes)
    if c["first"] > 0.6 * c["third"] and c["first"] >= 5:
        return "first"
    if c["second"] > c["third"] and c["second"] >= 5:
        return "second"
    return "third"


def quote_by_narrator(doc: Document, span: tuple[int, int]) -> bool:
    """Does the narration around this quote say "I" (the narrator speaks it)?"""
    text = doc.text
    para_start = text.rfind("\n", 0, span[0]) + 1
    para_end = text.find("\n", span[1])
    para_end = len(text) if para_end < 0 else para_end
    before = text[max(para_start, span[0] - 120) : max(para_start, span[0] - 1)]
    after = text[min(span[1] + 1, para_end) : min(para_end, span[1] + 80)]
    nxt = after.find('"') if '"' in after else after.find("\u201c")
    after = after[: nxt if nxt >= 0 else None]
    for piece in (after, before.rsplit('"', 1)[-1].rsplit("\u201d", 1)[-1]):
        if re.search(r"\bI\b", piece):
            return True
    return False


def narrator_scores(doc: Document, quotes: list[tuple[int, int]]) -> Counter[str]:
    """Evidence that each named character is the "I" of the narration."""
    qi = QuoteIndex(quotes)
    text = doc.text
    scores: Counter[str] = Counter()
    narrated: Counter[str] = Counter()
    for c in doc.characters:
        in_quotes = 0
        for m in c.mentions:
            if m.kind != "name":
                continue
            q = qi.find(m.start)
            if q < 0:
                narrated[c.id] += 1
                continue
            in_quotes += 1
            span = (qi.starts[q], qi.ends[q])
            before = text[span[0] : m.start].rstrip()
            after = text[m.end : span[1]].lstrip()
            vocative = (not before or before[-1] in ",\u2014-") or (after[:1] in VOCATIVE_AFTER)
            vocative = vocative and (not after or after[:1] in VOCATIVE_AFTER)
            if vocative and not quote_by_narrator(doc, span):
                scores[c.id] += 2
        if in_quotes and not narrated[c.id]:
            scores[c.id] += 1
    names = {fold(a): c.id for c in doc.characters for a in c.aliases}
    for rs, re_ in doc.story_regions():
        for m in MY_NAME.finditer(text, rs, re_):
            cid = names.get(fold(m.group(1))) or names.get(fold(m.group(1).split()[0]))
            if cid and (not qi.inside(m.start()) or quote_by_narrator(doc, (m.start(), m.end()))):
                scores[cid] += 5
    for c in doc.characters:
        if c.id in scores and any(is_known_first_name(a.split()[0]) for a in c.aliases):
            scores[c.id] += 1  # "Jane" over "Boh": an exclamation can look like a vocative
    for cid in list(scores):
        scores[cid] -= 2 * narrated[cid]
    return scores


def ensure_character(doc: Document, cid: str, name: str, aliases: list[str]) -> Character:
    c = doc.character(cid)
    if c is None:
        c = Character(id=cid, name=name, aliases=aliases, extra={"role": "major"})
        doc.characters.append(c)
    return c


def reader_insert(doc: Document) -> Character | None:
    """The "Y/N" character of a reader-insert story, with its written forms as mentions."""
    spans = [m for rs, re_ in doc.story_regions() for m in READER_INSERT.finditer(doc.text, rs, re_)]
    if not spans:
        return None
    forms = Counter(m.group() for m in spans)
    c = ensure_character(doc, "y_n", "Y/N", [f for f, _ in forms.most_common()])
    c.extra["reader_insert"] = True
    c.mentions.extend(Mention(m.start(), m.end(), "name") for m in spans)
    c.mentions.sort(key=lambda m: (m.start, m.end))
    return c


def pov_signpost(doc: Document) -> str | None:
    """A character named by an "X's POV" line, in paratext or at the head of a scene."""
    names = {fold(a): c.id for c in doc.characters for a in c.aliases}
    for p in doc.paratext:
        m = POV_SIGN.search(doc.text, p.start, p.end)
        if m:
            cid = names.get(fold(m.group(1))) or names.get(fold(m.group(1).split()[-1]))
            if cid:
                return cid
    return None


def focal_by_names(doc: Document, quotes: QuoteIndex) -> str | None:
    """The character most often named in narration, counting perception verbs after it double."""
    text = doc.text
    scores: Counter[str] = Counter()
    for c in doc.characters:
        for m in c.mentions:
            if quotes.inside(m.start):
                continue
            nxt = WORD.search(text, m.end, m.end + 30)
            bonus = 1 if nxt and nxt.group().lower() in PERCEPTION_VERBS else 0
            scores[c.id] += 1 + bonus
    return scores.most_common(1)[0][0] if scores else None


@stage("narrator", requires=("characters", "quotes", "narration"), provides=("narrator",))
def narrator_stage(doc: Document, config: Config) -> None:
    spans = quote_spans(doc)
    qi = QuoteIndex(spans)
    pov = point_of_view(doc, qi)
    doc.narration.extra["narrator_pov"] = pov
    insert = reader_insert(doc)
    if insert is not None and pov != "first":
        doc.narration.narrator = None
        doc.narration.focal_character = insert.id
        return
    if pov == "first" and doc.narration.extra.get("frame_narrator") and insert is None:
        doc.narration.narrator = ensure_character(doc, "narrator", "Narrator", []).id
        doc.narration.focal_character = focal_by_names(doc, qi)
        doc.narration.extra["focal_method"] = "names"
        return
    if pov == "first":
        if insert is not None:
            doc.narration.narrator = insert.id
        else:
            scores = narrator_scores(doc, spans)
            best = max(scores.items(), key=lambda kv: kv[1], default=None)
            if best and best[1] > 0:
                doc.narration.narrator = best[0]
            else:
                doc.narration.narrator = ensure_character(doc, "narrator", "Narrator", []).id
        narrator = doc.character(doc.narration.narrator)
        if narrator is not None:
            narrator.extra["narrator"] = True
            narrator.extra["role"] = "major"
        doc.narration.focal_character = doc.narration.narrator
        return
    if pov == "second":
        c = ensure_character(doc, "y_n", "Y/N", [])
        c.extra["reader_insert"] = True
        doc.narration.focal_character = c.id
        return
    signpost = pov_signpost(doc)
    doc.narration.focal_character = signpost or focal_by_names(doc, qi)
    doc.narration.extra["focal_method"] = "signpost" if signpost else "names"
