"""The `speakers` stage: who says each quotation, to whom, and whether it is spoken at all.

Rules in the order a careful reader applies them, one pass over the paragraphs:

1. a speech tag next to the quotation ("..." Anne said / said Anne / she whispered to him /
   Anne said: "..."), the speaker being the name or pronoun next to the verb; pronouns go
   through coref, or to the nearest earlier character of that gender; "I" to the narrator;
2. the other quotations of the same paragraph (an interrupted utterance keeps its speaker)
   and the paragraph a quotation continues (speech over several paragraphs);
3. an action beat: the character a paragraph's narration opens with ("Anne smiled.");
4. turn-taking: an untagged turn in a conversation goes to the speaker two turns back when
   two people alternate, or to the one the last turn was addressed to.

Addressees are vocatives inside the quotation ("Ray, please"), "said to X", and otherwise
the previous speaker of the conversation. `speech` becomes `thought` with verbs of thinking
or an inner voice, `written` for notes, letters and texts. Each quotation gets `type`
(explicit / anaphoric / implicit, as PDNC and the gold define them) and a `confidence`.
Everything is local to a paragraph and its neighbours, so the stage is linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ficlens.attribution.lexicon import (
    INNER_VOICE_WORDS,
    PRONOUN_GENDER,
    THOUGHT_VERBS,
    WRITTEN_WORDS,
)
from ficlens.attribution.lexicon import TAG_VERBS as TAG_VERB_FORMS
from ficlens.attribution.mentions import MentionIndex, mention_index
from ficlens.attribution.paragraphs import story_paragraphs
from ficlens.document import Document, Quote
from ficlens.pipeline import Config, stage

TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019]*|[.!?;:]+|\u2014|--|,|\u2026")
SENTENCE_END = frozenset({".", "!", "?", ";", "...", "!!", "?!", "!?", "??", "\u2026", ":"})
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "col", "capt", "prof", "rev", "sr", "jr", "lt", "gen", "sgt"})
SUBJECTS = frozenset({"he", "she", "they", "i", "we"})
OBJECT_PREPS = frozenset({"to", "at", "with", "for", "of", "about", "from", "by", "on", "toward", "towards", "upon", "into"})
ADDRESS_VERBS = frozenset({"told", "tells", "asked", "asks", "answered", "answers", "assured", "warned", "reminded", "begged", "urged", "ordered", "informed", "greeted", "called"})
WRITE_VERBS = frozenset({"wrote", "writes", "read", "reads", "typed", "types", "texted", "texts", "scrawled", "scribbled", "printed"})
PAST_IRREGULAR = frozenset(
    "said came went put broke burst struck threw flung shot spoke began gave cut took got ran "
    "made rose sat stood kept held drew bit swore wrote read thought felt".split()
)
NOT_VERBS = frozenset("indeed need speed seed deed bed red hundred kindred wicked naked sacred ragged".split())
CONTINUE_VERBS = frozenset(
    "continued continues added adds went resumed resumes pursued persisted proceeded repeated "
    "concluded finished".split()
)
MAX_CLAUSE_TOKENS = 24
ALTERNATE = False
MAX_BACK_MENTIONS = 60
CONVERSATION_GAP = 2
"""Paragraphs without quotations that end a conversation."""


@dataclass
class Ref:
    """A character reference found in narration: who, and how (`name`, `nominal`, `pronoun`)."""

    cid: str | None
    kind: str
    start: int


@dataclass
class Tag:
    speaker: Ref | None
    addressee: str | None = None
    speech: str | None = None


@dataclass
class Turn:
    speaker: str | None
    addressees: list[str]


@dataclass
class Context:
    doc: Document
    idx: MentionIndex
    pronouns: dict[int, str]
    gender: dict[str, str]
    narrator: str | None
    quote_starts: list[int]
    quote_ends: list[int]
    name_at: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    para_start: int = 0
    exclude: set[str] = field(default_factory=set)
    verb: str = ""
    """What the pronoun being resolved sits in: the conversation, paragraph, tag verb."""

    def in_quote(self, offset: int) -> bool:
        i = bisect_right(self.quote_starts, offset) - 1
        return i >= 0 and self.quote_starts[i] <= offset < self.quote_ends[i]


def tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN.finditer(text, start, end)]


def is_sentence_end(toks: list[tuple[int, int, str]], i: int) -> bool:
    t = toks[i][2]
    if t not in SENTENCE_END:
        return False
    return not (t == "." and i > 0 and toks[i - 1][2] in ABBREVIATIONS)


def clause_after(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Tokens of the first clause of narration after a quotation."""
    toks = tokens(text, start, end)
    for i in range(min(len(toks), MAX_CLAUSE_TOKENS)):
        if is_sentence_end(toks, i):
            return toks[:i]
    return toks[:MAX_CLAUSE_TOKENS]


def clause_before(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Tokens of the last clause of narration before a quotation (its own sentence)."""
    toks = tokens(text, start, end)
    trailing = toks[-1][2] if toks else ""
    body = toks[:-1] if trailing in (":", ",", "\u2014", "--") else toks
    for i in range(len(body) - 1, -1, -1):
        if is_sentence_end(body, i):
            return body[i + 1 :]
    return body[-MAX_CLAUSE_TOKENS:]


def ref_at(ctx: Context, tok: tuple[int, int, str]) -> tuple[Ref | None, int]:
    """The character reference starting at this token, and the offset where it ends."""
    hit = ctx.name_at.get(tok[0])
    if hit is not None:
        return Ref(hit[1], hit[2], tok[0]), hit[0]
    word = tok[2]
    if word in SUBJECTS:
        return Ref(resolve_pronoun(ctx, word, tok[0]), "pronoun", tok[0]), tok[1]
    return None, tok[1]


def resolve_pronoun(ctx: Context, word: str, offset: int) -> str | None:
    """Who "he"/"she" in narration is, read the way dialogue is read.

    "I" is the narrator. With a verb of going on ("he continued") it is the last speaker of
    that gender. Otherwise, in order: a character of that gender named earlier in the same
    paragraph; one of the conversation's other recent speakers (a new turn is usually a new
    speaker); the nearest earlier narration name; the last speaker. Names said to someone in
    the quotation itself (vocatives) are never its speaker. Coref's answer is used for
    pronouns outside speech tags.
    """
    if word in ("i", "me", "my"):
        return ctx.narrator
    want = PRONOUN_GENDER.get(word)
    if want not in ("M", "F"):
        return ctx.pronouns.get(offset)
    def fits(cid: str | None) -> bool:
        return bool(cid) and cid not in ctx.exclude and ctx.gender.get(cid or "", "U") in (want, "U")

    recent = [t.speaker for t in reversed(ctx.turns[-6:]) if t.speaker]
    if ctx.verb in CONTINUE_VERBS:
        for cid in recent:
            if fits(cid):
                return cid
    last = recent[0] if recent else None
    items = ctx.idx.items
    j = ctx.idx.before(offset) - 1
    earlier: str | None = None
    in_paragraph: list[tuple[int, str]] = []
    for _ in range(MAX_BACK_MENTIONS):
        if j < 0:
            break
        s, _e, cid, _k = items[j]
        j -= 1
        if ctx.in_quote(s) or not fits(cid) or ctx.gender.get(cid) != want:
            continue
        if s >= ctx.para_start:
            in_paragraph.append((s, cid))
            continue
        earlier = cid
        break
    if in_paragraph:
        subjects = [cid for s, cid in in_paragraph if sentence_initial(ctx.doc.text, s, ctx.para_start)]
        return subjects[-1] if subjects else in_paragraph[0][1]
    turns = ctx.turns
    if ALTERNATE and len(turns) >= 2 and turns[-2].speaker != turns[-1].speaker and fits(turns[-2].speaker):
        if ctx.gender.get(turns[-2].speaker or "") == want:
            return turns[-2].speaker
    if offset in ctx.pronouns and ctx.pronouns[offset] not in ctx.exclude:
        return ctx.pronouns[offset]
    if earlier is not None:
        return earlier
    return last if fits(last) else None


def sentence_initial(text: str, offset: int, floor: int) -> bool:
    """Whether a name starts its sentence (the subject, usually): only spaces and a closing
    mark or sentence end before it."""
    k = offset - 1
    while k >= floor and text[k] in " \t\n\"\u201d'":
        k -= 1
    return k < floor or text[k] in ".!?;:\u2014"


def verb_like(word: str) -> bool:
    """A tag verb from the list, or any past-tense form ("contradicted", "chattered")."""
    return word in TAG_VERB_FORMS or word in PAST_IRREGULAR or (
        len(word) > 4 and word.endswith("ed") and word not in NOT_VERBS
    )


def skip_adverbs(toks: list[tuple[int, int, str]], k: int) -> int:
    while k < len(toks) and (toks[k][2].endswith("ly") or toks[k][2] in (",", "again", "then", "now", "at", "once", "too")):
        k += 1
    return k


def structural_tag(ctx: Context, toks: list[tuple[int, int, str]]) -> tuple[int, Ref] | None:
    """ "..." said Anne / "..." Anne said: a clause that opens with a verb and a name, or a
    name and a verb, is a tag whatever the verb ("contradicted Major Callendar")."""
    if not toks:
        return None
    if verb_like(toks[0][2]):
        k = skip_adverbs(toks, 1)
        if k < len(toks):
            ref, _ = ref_at(ctx, toks[k])
            if ref is not None and (ref.kind != "pronoun" or toks[k][2] in SUBJECTS):
                return 0, ref
        return None
    ref, end = ref_at(ctx, toks[0])
    if ref is None:
        return None
    k = 1
    while k < len(toks) and toks[k][0] < end:
        k += 1
    k = skip_adverbs(toks, k)
    if k < len(toks) and verb_like(toks[k][2]):
        return k, ref
    return None


def find_tag(ctx: Context, toks: list[tuple[int, int, str]], after: bool) -> Tag | None:
    """A speech tag in a clause: the verb, then the name or pronoun that goes with it."""
    ctx.verb = next((t[2] for t in toks if verb_like(t[2])), "")
    if after:
        hit = structural_tag(ctx, toks)
        if hit is not None:
            v, ref = hit
            verb = toks[v][2]
            speech = "thought" if verb in THOUGHT_VERBS else "written" if verb in WRITE_VERBS else None
            return Tag(ref, tag_addressee(ctx, toks, v), speech)
    verbs = [i for i, t in enumerate(toks) if t[2] in TAG_VERB_FORMS]
    if not verbs:
        return None
    v = verbs[0] if after else verbs[-1]
    verb = toks[v][2]
    speech = "thought" if verb in THOUGHT_VERBS else "written" if verb in WRITE_VERBS else None
    speaker: Ref | None = None
    k = v + 1
    while k < len(toks) and (toks[k][2].endswith("ly") or toks[k][2] == ","):
        k += 1
    after_end = toks[v][1]
    if k < len(toks):
        ref, after_end = ref_at(ctx, toks[k])
        if ref is not None and (ref.kind != "pronoun" or toks[k][2] in SUBJECTS):
            speaker = ref
    if speaker is None:
        for i in range(v - 1, -1, -1):
            ref, _ = ref_at(ctx, toks[i])
            if ref is None:
                continue
            if i > 0 and toks[i - 1][2] in OBJECT_PREPS:
                continue
            speaker = ref
            break
        if speaker is not None and verb in ADDRESS_VERBS and k < len(toks):
            ref, _ = ref_at(ctx, toks[k])
            if ref is not None and ref.cid:
                return Tag(speaker, ref.cid, speech)
    if speaker is None:
        return None
    return Tag(speaker, tag_addressee(ctx, toks, v, after_end), speech)


def tag_addressee(ctx: Context, toks: list[tuple[int, int, str]], v: int, after: int = -1) -> str | None:
    """ "said to Anne", "whispered to her": the addressee named after the verb."""
    for i in range(v + 1, len(toks) - 1):
        if toks[i][0] >= after and toks[i][2] == "to":
            ref, _ = ref_at(ctx, toks[i + 1])
            if ref is None and toks[i + 1][2] in ("him", "her", "them"):
                ref = Ref(resolve_pronoun(ctx, toks[i + 1][2], toks[i + 1][0]), "pronoun", toks[i + 1][0])
            return ref.cid if ref is not None else None
    return None


def inner_voice(ctx: Context, toks: list[tuple[int, int, str]]) -> Tag | None:
    """ "a small voice inside his head whispered": a thought of the head's owner."""
    words = {t[2] for t in toks}
    if "voice" not in words or not (words & (INNER_VOICE_WORDS - {"voice"})):
        return None
    for t in toks:
        if t[2] in ("his", "her", "my"):
            cid = resolve_pronoun(ctx, {"his": "he", "her": "she", "my": "i"}[t[2]], t[0])
            return Tag(Ref(cid, "pronoun", t[0]), None, "thought")
        hit = ctx.name_at.get(t[0])
        if hit is not None:
            return Tag(Ref(hit[1], hit[2], t[0]), None, "thought")
    return None


def beat(ctx: Context, text: str, pieces: list[tuple[int, int]]) -> Ref | None:
    """The character a paragraph's narration starts a sentence with ("Anne smiled.")."""
    for s, e in pieces:
        toks = tokens(text, s, e)
        at_start = True
        for i, t in enumerate(toks):
            if at_start and t[2] not in SENTENCE_END and t[2] != ",":
                ref, _ = ref_at(ctx, t)
                if ref is not None and ref.cid:
                    return ref
                if t[2] not in ("then", "but", "and", "so", "now", "still", "finally", "suddenly"):
                    at_start = False
            if is_sentence_end(toks, i):
                at_start = True
    return None


def vocatives(ctx: Context, q: Quote) -> list[str]:
    """Names said to someone inside the quotation: "Ray, please" / "..., Anne." """
    text = ctx.doc.text
    out: list[str] = []
    for s, e, cid, _k in ctx.idx.between(q.start, q.end):
        before = text[q.start : s].rstrip()
        after = text[e : q.end].lstrip()
        starts = not before or before[-1] in ",\u2014" or before.lower().endswith(("oh", "dear", "my dear"))
        ends = not after or after[0] in ",!?.\u2014;"
        if starts and ends and cid not in out:
            out.append(cid)
    return out


def written_context(toks: list[tuple[int, int, str]]) -> bool:
    return any(t[2] in WRITTEN_WORDS for t in toks)


def attribute(doc: Document) -> None:
    """Set speaker, addressees, speech, type and confidence on every quotation."""
    if not doc.quotes:
        return
    text = doc.text
    idx, pronouns = mention_index(doc)
    ctx = Context(
        doc,
        idx,
        pronouns,
        {c.id: c.gender for c in doc.characters},
        doc.narration.narrator,
        [q.start for q in doc.quotes],
        [q.end for q in doc.quotes],
    )
    ctx.name_at = {s: (e, cid, kind) for s, e, cid, kind in idx.items}
    paras = doc.layers.get("paragraphs") or story_paragraphs(text, list(doc.story_regions()))
    para_starts = [p[0] for p in paras]
    by_para: dict[int, list[Quote]] = {}
    for q in doc.quotes:
        pi = q.extra.get("paragraph")
        if pi is None:
            pi = max(0, bisect_right(para_starts, q.start) - 1)
        by_para.setdefault(pi, []).append(q)
    turns: list[Turn] = []
    last_para = -10
    for pi in sorted(by_para):
        qs = by_para[pi]
        ps, pe = paras[pi] if pi < len(paras) else (qs[0].start - 1, qs[-1].end + 1)
        if pi - last_para > CONVERSATION_GAP + 1:
            turns = []
        prev_tail = None
        if pi > 0:
            prev = by_para.get(pi - 1)
            tail_start = prev[-1].end + 1 if prev else paras[pi - 1][0]
            if tail_start < paras[pi - 1][1]:
                prev_tail = (tail_start, paras[pi - 1][1])
        last_para = pi
        attribute_paragraph(ctx, qs, ps, pe, turns, prev_tail)


def introduces(text: str, q: Quote, piece: tuple[int, int]) -> bool:
    """Narration between two quotations that ends in `,` or `:` after a finished sentence
    ("...tenant?" Sir Thomas replied, "It is...") tags the next quotation, not this one."""
    body = text[q.start : q.end].rstrip()
    narration = text[piece[0] : piece[1]].rstrip()
    return bool(body) and body[-1] in ".!?" and narration[-1:] in (",", ":")


def introduces_next(text: str, tail: tuple[int, int]) -> bool:
    """A paragraph of narration that leads into the next one's speech ("Edmund began--")."""
    end = text[max(tail[0], tail[1] - 12) : tail[1]].rstrip()
    return end[-1:] in (":", ",", "—", "-") or not end[-1:] in (".", "!", "?", '"', "”", ")")


def attribute_paragraph(
    ctx: Context,
    qs: list[Quote],
    ps: int,
    pe: int,
    turns: list[Turn],
    prev_tail: tuple[int, int] | None = None,
) -> None:
    """Speakers for the quotations of one paragraph, given the conversation so far."""
    text = ctx.doc.text
    bounds = [ps] + [x for q in qs for x in (q.start - 1, q.end + 1)] + [pe]
    pieces = [(bounds[2 * i], bounds[2 * i + 1]) for i in range(len(qs) + 1)]
    tags: list[Tag | None] = []
    ctx.turns = turns
    ctx.para_start = ps
    for i, q in enumerate(qs):
        ctx.exclude = set(vocatives(ctx, q))
        piece = pieces[i + 1]
        right = clause_after(text, q.end + 1, piece[1])
        if i + 1 < len(qs) and introduces(text, q, piece):
            right = []
        left = clause_before(text, pieces[i][0], max(pieces[i][0], q.start - 1))
        if i == 0 and not left and prev_tail is not None and introduces_next(text, prev_tail):
            left = clause_before(text, prev_tail[0], prev_tail[1])
        tag = find_tag(ctx, right, after=True) or inner_voice(ctx, right)
        if tag is None and left:
            tag = find_tag(ctx, left, after=False) or inner_voice(ctx, left)
        if tag is not None and tag.speech is None and written_context(left) and text[max(ps, q.start - 3) : q.start].strip()[-1:] == ":":
            tag.speech = "written"
        if tag is None and left and written_context(left) and text[max(ps, q.start - 3) : q.start].strip()[-1:] == ":":
            tag = Tag(None, None, "written")
        tags.append(tag)
    ctx.exclude = set()
    ctx.verb = ""
    para_ref = next((t.speaker for t in tags if t is not None and t.speaker is not None and t.speaker.cid), None)
    beat_ref = None if para_ref else beat(ctx, text, pieces)
    prev_speaker: str | None = None
    for i, q in enumerate(qs):
        tag = tags[i]
        kind = "implicit"
        confidence = 0.3
        speaker: str | None = None
        addressees = vocatives(ctx, q)
        if tag is not None and tag.speaker is not None and tag.speaker.cid:
            speaker = tag.speaker.cid
            kind = "explicit" if tag.speaker.kind == "name" else "anaphoric"
            confidence = 0.9 if kind == "explicit" else 0.75
            if tag.addressee and tag.addressee not in addressees:
                addressees.append(tag.addressee)
        elif q.extra.get("continues") and turns and turns[-1].speaker:
            speaker, confidence = turns[-1].speaker, 0.7
        elif prev_speaker is not None:
            speaker, confidence = prev_speaker, 0.7
        elif para_ref is not None:
            speaker, confidence = para_ref.cid, 0.65
        elif beat_ref is not None:
            speaker, confidence = beat_ref.cid, 0.6
        else:
            speaker, confidence = turn_taking(ctx, turns, q)
        if tag is not None and tag.speech:
            q.speech = tag.speech
        elif tag is not None and q.speech == "other":
            q.speech = "spoken"
        if q.speech == "other":
            speaker, addressees, confidence = None, [], 0.5
        q.speaker = speaker
        if not addressees and q.speech == "spoken":
            other = next((t.speaker for t in reversed(turns) if t.speaker and t.speaker != speaker), None)
            if other:
                addressees = [other]
        q.addressees = [a for a in addressees if a != speaker]
        q.extra["type"] = kind
        q.extra["confidence"] = round(confidence, 2)
        if speaker is not None:
            prev_speaker = speaker
        if q.speech != "other" and not q.extra.get("continues"):
            if not (turns and turns[-1].speaker == speaker and i > 0):
                turns.append(Turn(speaker, q.addressees))


def turn_taking(ctx: Context, turns: list[Turn], q: Quote) -> tuple[str | None, float]:
    """An untagged turn: A-B-A-B alternation, else the one the last turn spoke to."""
    if len(turns) >= 2 and turns[-2].speaker and turns[-2].speaker != turns[-1].speaker:
        return turns[-2].speaker, 0.55
    if turns and turns[-1].addressees:
        return turns[-1].addressees[0], 0.45
    last = turns[-1].speaker if turns else None
    j = ctx.idx.before(q.start) - 1
    for _ in range(MAX_BACK_MENTIONS):
        if j < 0:
            break
        s, _e, cid, _k = ctx.idx.items[j]
        j -= 1
        if not ctx.in_quote(s) and cid != last:
            return cid, 0.3
    return None, 0.0


@stage("speakers", requires=("quotes", "characters", "coref"), provides=("speakers",))
def speakers_stage(doc: Document, config: Config) -> None:
    attribute(doc)
