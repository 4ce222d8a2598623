"""The `speakers` stage: who says each quotation, to whom, and whether it is spoken at all.

Rules in the order a careful reader applies them, one pass over the paragraphs:

1. a speech tag next to the quotation ("..." Anne said / said Anne / she whispered to him /
   Anne said: "..."), the speaker being the name or pronoun next to the verb; "he"/"she"
   to the most salient character of that gender (a small scored model over recency,
   grammatical role and the conversation); "I" to the narrator;
2. the other quotations of the same paragraph (an interrupted utterance keeps its speaker)
   and the paragraph a quotation continues (speech over several paragraphs);
3. an action beat: the character a paragraph's narration opens with ("Anne smiled.");
4. turn-taking in a conversation (paragraphs of speech that follow one another): the one the
   last turn addressed by name, the speaker two turns back when two people alternate, the
   one the next turn addresses, the speaker two turns ahead, then the nearest name.

Conversations in fan fiction add their own cues, read in the same pass: one clause tags one
line, so in a paragraph where speakers alternate ("Aram..." he said calmly, "What can I do,
sir?" he asked) a clause that tagged the line before does not take the next; a named clause
running straight into a quotation speaks it; nobody answers himself; denied verbs ("said
nothing") tag nobody; a "he"/"she" no one in the cast fits is the one just called by name; a
line that ends "Nobby says." puts Nobby on the spot. Notes and letters: a letter read out is
written by the name that signs it; a note no verb of writing gives a writer is not its
reader's; a word a screen shows is a label. Words echoing in someone's head that were never
quoted are the other one's. In a first-person story, an untagged line after narration last
about the narrator alone, or after a line said "to me", is the narrator's.

Addressees are vocatives inside the quotation ("Ray, please"), "said to X", and otherwise
the previous speaker of the conversation. `speech` becomes `thought` with verbs of thinking
or an inner voice, `written` for notes, letters and texts. Each quotation gets `type`
(explicit / anaphoric / implicit, as PDNC and the gold define them) and a `confidence`.
Everything is local to a paragraph and its neighbours, so the stage is linear.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ficlens.attribution.idiolect import Idiolect, line_words
from ficlens.attribution.lexicon import (
    INNER_VOICE_WORDS,
    PRONOUN_GENDER,
    SPEECH_LEMMAS,
    SPEECH_NOUNS,
    SPEECH_PARTICIPLES,
    TAG_AUXILIARIES,
    THOUGHT_VERBS,
    WRITTEN_WORDS,
)
from ficlens.attribution.lexicon import TAG_VERBS as TAG_VERB_FORMS
from ficlens.attribution.mentions import TITLES, MentionIndex, mention_index
from ficlens.attribution.ranker import Ranker, load_ranker, log_scale
from ficlens.coreference import resolve
from ficlens.document import Character, Document, Quote
from ficlens.names import TITLES as TITLE_GENDERS
from ficlens.names import rank_of, title_key
from ficlens.pipeline import Config, stage
from ficlens.textunits import story_paragraphs

TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019]*|[.!?;:]+|\u2014|--|,|\u2026")


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SENTENCE_END = words(". ! ? ; ... !! ?! !? ?? \u2026 :")
ABBREVIATIONS = words("mr mrs ms dr st col capt prof rev sr jr lt gen sgt")
SUBJECTS = words("he she they i we")
SUBJECTS_OR_YOU = SUBJECTS | {"you"}
"""With "you": a second-person story's protagonist ("..., you say"), only when there is one."""
OBJECT_PREPS = words("to at with for of about from by on toward towards upon into")
ADDRESS_VERBS = words(
    "told tells asked asks answered answers assured warned reminded begged urged ordered "
    "informed greeted called"
)
WRITE_VERBS = words("wrote writes read reads typed types texted texts scrawled scribbled printed")
WRITER_VERBS = words(
    "wrote write written writes typed texted scrawled scribbled penned jotted signed addressed"
)
"""Verbs whose subject is the writer of a note ("Tobin scribbled a note")."""
READING_LEADS = words("read reads said says stated ran")
"""The last word of a clause that hands over to a written text ("It read." / "The card said:")."""
ECHO_WORDS = words(
    "echo echoed echoes echoing head mind remembered remembers recalled recalls memory replayed "
    "haunted rang ringing"
)
"""Narration that marks a quotation as words recalled, not said now."""
RECALL_VERBS = words("echo echoed echoes echoing rang ringing replayed replaying haunted haunting")
"""Verbs of words sounding again in someone's head ("It echoed inside his head")."""
HEAD_WORDS = words("head mind ears memory thoughts")
WRITTEN_NOUNS = words("note notes letter letters card message postcard telegram")
DISPLAY_NOUNS = words("screen display monitor readout sign plaque board scoreboard")
"""Things that show words ("the screen said "Mom,"")."""
WRITER_WINDOW = 1500
"""How far back (characters) a note's writer is looked for."""
PAST_IRREGULAR = words(
    "said came went put broke burst struck threw flung shot spoke began gave cut took got ran "
    "made rose sat stood kept held drew bit swore wrote read thought felt"
)
NOT_VERBS = words("indeed need speed seed deed bed red hundred kindred wicked naked sacred ragged")
GO = words("went go goes")
COPULAS = words("was were is came")
"""Opening a clause after a quotation: "..." was Mary's reasoning / came the Collector's voice."""
POSSESSED = re.compile(r"(?:['\u2019]s| s)\s+([a-z]+(?:\s+[a-z]+){0,2})")
PERCEIVE_VERBS = words("heard hear hears made make makes let lets bade bid watched saw")
"""Verbs after which a name and a plain verb of saying lead into speech ("heard May rejoin")."""
OUT_VERBS = words("burst broke came escaped issued fell dropped")
"""Verbs of words coming out of someone: "There burst from Philip the exclamation"."""
CONTINUE_VERBS = words(
    "continued continues added adds went resumed resumes pursued persisted proceeded repeated "
    "concluded finished"
)
"""Verbs of going on: "he continued" is the last speaker of that gender."""
DETERMINERS = words("the his her their my a an this that our your")
GENDERED_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        words(
            "woman girl lady wife mother sister aunt hostess daughter widow maid queen niece "
            "grandmother mistress madam bride duchess countess princess landlady housekeeper mamma mama "
            "nurse governess actress heroine spinster damsel gal lass"
        ),
        "F",
    ),
    **dict.fromkeys(
        words(
            "man boy gentleman husband father brother uncle son host fellow lad king nephew "
            "grandfather master sir bridegroom duke count prince landlord butler priest monk papa "
            "actor hero chap guy bachelor squire"
        ),
        "M",
    ),
}
"""Heads of descriptions that tell a gender ("said his wife"): read like "she"."""
KIN_NOUNS = words(
    "wife husband mother father sister brother aunt uncle daughter son niece nephew "
    "grandmother grandfather mamma mama papa cousin"
)
"""After "his"/"her": a relative of that person, never the person ("said her mother")."""
MAX_CLAUSE_TOKENS = 24
NONVERBAL = words(
    "laughed laughs laughing chuckled giggled snickered snorted scoffed sighed sighs groaned moaned "
    "gasped breathed panted sobbed sniffed sniffled whimpered howled yelped cheered huffed choked "
    "smiled nodded"
)
"""Sounds that are not words: "Margaret laughed." does not introduce the next speech."""
RANKER_BELOW = 1.0
"""The ranker decides every untagged turn but a continued speech and a first-person
narrator's answer (cross-validated on PDNC: 0.7345 against 0.7293 when it decides only the
turns weaker than a vocative cue; leaving the narrator's answers to the rules, 0.7364: few
training novels are told in the first person)."""
NAME_CUE = 0.56
"""The rules' confidence when the turn before addressed someone by name ("Ada, tell her")."""
KEEP_NAME_CUE = 0.25
"""The ranker overrules that cue only when it gives the addressed person less than this share
of its probability: a careful reader trusts the name ("Ada, tell her it can't wait." -> Ada
answers). Cross-validated on PDNC in the fifth session, each pair with the same rules: 0.7948
at 0.15 against 0.7964 at 0.3; 0.7966 at 0.2 against 0.7974 at 0.3; 0.7965 at 0.5 against
0.7964 at 0.3 (with the first boosted ranker: 0.7367 at 0.35, 0.7369 always overruling).
Sixth session: 0.8002 at 0.25 against 0.8004 at 0.3, the same within noise; 0.25 because the
ranker retrained then gave Ada 0.29 in the passage above."""
BEAM = 4
"""Sequences of guesses kept while a conversation's untagged turns are decided (fill_turns)."""
MAX_BACK_MENTIONS = 60
CONVERSATION_GAP = 0
"""Paragraphs without quotations that end a conversation (measured on PDNC: any one does)."""


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
    adjacent: bool = False
    """True when the tag directly follows the quotation ("..." she said)."""
    verb: str = ""


@dataclass
class Turn:
    """A paragraph's quotations: one turn of a conversation."""

    quotes: list[Quote]
    start: int
    end: int = 0
    speaker: str | None = None
    """Who speaks last in the paragraph (the one the next turn answers)."""
    first: str | None = None
    vocatives: list[str] = field(default_factory=list)
    continues: bool = False
    spoken: bool = True
    lead: str | None = None
    """The subject of the last sentence of the narration paragraph just before."""
    addressed: list[str] = field(default_factory=list)
    """The first-person narrator, when the turn's last quotation is said "to me": the
    narrator answers next, whoever else the turn called by name."""
    opened_by: str | None = None
    """Who the narration just before the turn was last about (the first subject of its last
    sentence that has one): "I clean the cut. Outside a cab rattles by." -> the narrator."""

    @property
    def anchor(self) -> bool:
        """Whether the speaker came from the paragraph itself (a tag or a beat)."""
        return bool(self.speaker) and all(
            q.extra.get("confidence", 0) >= 0.6 for q in self.quotes if q.speech != "other"
        )


@dataclass
class Context:
    doc: Document
    idx: MentionIndex
    pronouns: dict[int, str]
    gender: dict[str, str]
    narrator: str | None
    you: str | None
    """The character "you" is in narration (a second-person story's focal character)."""
    quote_starts: list[int]
    quote_ends: list[int]
    name_at: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    para_start: int = 0
    exclude: set[str] = field(default_factory=set)
    epithets: dict[str, str] = field(default_factory=dict)
    """Role nouns the story gives one character ("Mr. Turton, the Collector"): noun -> id."""
    verb: str = ""
    quote_end: str = ""
    ranker: Ranker | None = None
    collect: list[tuple[Quote, dict[str, list[float]]]] | None = None
    """When a list, fill_turns records each untagged turn's candidates (for training)."""
    mention_share: dict[str, float] = field(default_factory=dict)
    speaker_share: dict[str, float] = field(default_factory=dict)
    before: list[str] = field(default_factory=list)
    """Speakers of the last turns of the conversation before the current one."""
    said: dict[str, Quote] = field(default_factory=dict)
    """Earlier quotations by their normalised words, for echoes."""
    echoes: list[tuple[Quote, Quote]] = field(default_factory=list)
    """(echo, the quotation it repeats): the echo gets the original speaker at the end."""
    """Where the reference being resolved sits: the conversation so far, the paragraph, the
    vocatives of its quotation, the tag verb, and how that quotation ends."""
    pronoun_starts: list[int] = field(default_factory=list)
    """Sorted offsets of the narration pronouns coref resolved (filled on first use)."""
    conversation: tuple[tuple[int, int], tuple[Counter[str], int, set[str]]] = ((0, 0), (Counter(), 0, set()))
    """The conversation being decided, by its first turn, and `conversation_facts` about it."""
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    """The story's paragraphs (start, end), for looking at the next turn (filled on first use)."""
    idiolect: Idiolect = field(default_factory=Idiolect)
    """How each character talks, from the lines tags give them (set before turns are filled)."""
    sounds_like: dict[tuple[int, str], float] = field(default_factory=dict)
    """Cache of a turn's (by start) idiolect log ratio for each candidate."""
    turn_words: dict[int, list[str]] = field(default_factory=dict)
    """Cache of a turn's (by start) words, for the idiolect."""

    def in_quote(self, offset: int) -> bool:
        i = bisect_right(self.quote_starts, offset) - 1
        return i >= 0 and self.quote_starts[i] <= offset < self.quote_ends[i]


def tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN.finditer(text, start, end)]


def is_sentence_end(toks: list[tuple[int, int, str]], i: int) -> bool:
    """A stop that ends a sentence: not the dot of "Mr." or of an initial ("M. Riviere")."""
    t = toks[i][2]
    if t not in SENTENCE_END:
        return False
    prev = toks[i - 1][2] if i > 0 else ""
    initial = len(prev) == 1 and prev.isalpha() and prev not in ("a", "i")
    return not (t == "." and (prev in ABBREVIATIONS or initial) and toks[i - 1][1] == toks[i][0])


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
    body = toks[:-1] if trailing in (":", ";", ",", "\u2014", "--") else toks
    for i in range(len(body) - 1, -1, -1):
        if is_sentence_end(body, i):
            return body[i + 1 :]
    return body[-MAX_CLAUSE_TOKENS:]


def last_sentence(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Tokens of the last sentence before `end`, its final stop dropped ("It read.")."""
    toks = tokens(text, max(start, end - 200), end)
    while toks and toks[-1][2] in SENTENCE_END:
        toks.pop()
    for i in range(len(toks) - 1, -1, -1):
        if is_sentence_end(toks, i):
            return toks[i + 1 :]
    return toks


def ref_at(ctx: Context, toks: list[tuple[int, int, str]], k: int) -> tuple[Ref | None, int]:
    """The character reference starting at token k, and the offset where it ends: a name,
    a subject pronoun, or a description whose head tells the gender ("his wife", "the girl"),
    which is then read like a pronoun."""
    tok = toks[k]
    hit = ctx.name_at.get(tok[0])
    if hit is not None:
        return Ref(hit[1], hit[2], tok[0]), hit[0]
    word = tok[2]
    if word == "you" and ctx.you:
        return Ref(ctx.you, "pronoun", tok[0]), tok[1]
    if word in SUBJECTS:
        return Ref(resolve_pronoun(ctx, word, tok[0]), "pronoun", tok[0]), tok[1]
    if word in DETERMINERS:
        for j in range(k + 1, min(len(toks), k + 4)):
            hit = ctx.name_at.get(toks[j][0])
            if hit is not None:  # "the Duchess", "his cousin Bertie": a known name
                return Ref(hit[1], hit[2], toks[j][0]), hit[0]
            if word == "the" and j == k + 1 and toks[j][2] == "other":
                return Ref(the_other(ctx), "nominal", tok[0]), toks[j][1]
            if word == "the" and toks[j][2] in ctx.epithets and toks[j][2] not in GENDERED_NOUNS:
                return Ref(ctx.epithets[toks[j][2]], "nominal", tok[0]), toks[j][1]  # "said the Collector"
            gender = GENDERED_NOUNS.get(toks[j][2])
            if gender:
                pron = "he" if gender == "M" else "she"
                if word in ("his", "her") and j == k + 1 and toks[j][2] in KIN_NOUNS:
                    return Ref(relative_of(ctx, word, tok[0], gender), "nominal", tok[0]), toks[j][1]
                old = toks[j - 1][2] in ("old", "elderly", "aged")
                kept = ctx.exclude
                ctx.exclude = kept | too_old_or_young(ctx, toks[j][2], old)
                try:
                    return Ref(resolve_pronoun(ctx, pron, tok[0]), "nominal", tok[0]), toks[j][1]
                finally:
                    ctx.exclude = kept
            if not toks[j][2].isalpha() or verb_like(toks[j][2]):
                break  # "the revelation made Aram's eyes": not "the Aram"
    return None, tok[1]


ELDER_KIN = words("mother wife aunt grandmother mamma mama father husband uncle grandfather papa")
"""Relatives who usually bear a married or senior title ("Mrs.", "Sir", "Aunt")."""
SPOUSES = words("wife husband")
SENIOR_TITLES = words("mrs lady madame madam mr sir lord aunt uncle")
MOTHER_WORDS = words("mother mamma mama mammy ma")
FATHER_WORDS = words("father papa pa")
KIN_ALIASES: dict[str, frozenset[str]] = {
    "mother": MOTHER_WORDS,
    "mamma": MOTHER_WORDS,
    "mama": MOTHER_WORDS,
    "father": FATHER_WORDS,
    "papa": FATHER_WORDS,
    "aunt": words("aunt auntie"),
    "uncle": words("uncle"),
    "grandmother": words("granny grandmother grandmamma"),
    "grandfather": words("grandfather grandpapa"),
}
"""The words a relative is called by in the cast ("Aunt Juley", "Mother")."""


YOUNG_NOUNS = words("girl lass maiden damsel boy lad youth child")
ELDER_TITLES = words(
    "mrs lady madame madam aunt mother mamma grandmother widow dame mr sir dr rev captain major "
    "colonel general uncle father professor lord judge doctor"
)
YOUTH_TITLES = words("miss master")


def too_old_or_young(ctx: Context, noun: str, old: bool) -> set[str]:
    """Characters a description cannot be for their age, by the titles of their names:
    "the girl" is not Mrs. Moore, "the boy" not Mr. Beebe, "the old lady" not Miss Quested."""
    if noun not in YOUNG_NOUNS and not old:
        return set()
    banned = YOUTH_TITLES if old else ELDER_TITLES
    return {c.id for c in ctx.doc.characters if name_heads(c) & banned}


def name_heads(c: Character) -> set[str]:
    """The first word of each of a character's names, lower case, dot dropped: its titles
    ("mrs", "major") among first names."""
    return {a.split()[0].lower().rstrip(".") for a in (c.name, *c.aliases) if a.split()}


APPOSED = re.compile(r",? the (?:[a-z]+ )?([A-Za-z]+)\b")
APPOSING = re.compile(r"\bthe (?:[a-z]+ )?([A-Za-z]+), $")


def epithets(ctx: Context) -> dict[str, str]:
    """The role nouns a story ties to one character, as a reader learns them: in apposition
    ("Mr. Turton, the Collector", "the Inspector, Mr. Haq") or as the title of a name
    ("Major Callendar" is "the Major"). A noun goes to the character it is tied to most,
    and only when that is at least two ties and twice any other; everyday nouns for people
    ("the girl", "his wife") are read by gender instead."""
    text = ctx.doc.text
    ties: dict[str, Counter[str]] = {}
    for start, (end, cid, kind) in ctx.name_at.items():
        if kind != "name":
            continue
        for m in (
            APPOSED.match(text, end) if text[end : end + 1] == "," else None,
            APPOSING.search(text, max(0, start - 40), start),
        ):
            if m is not None and m.start(1) not in ctx.name_at:  # "the Collector", not "the Nawab Bahadur"
                ties.setdefault(rank_of(m.group(1)), Counter())[cid] += 1
    for c in ctx.doc.characters:
        for a in [c.name, *c.aliases]:
            head = a.split()[0] if len(a.split()) > 1 else ""
            if head and TITLE_GENDERS.get(title_key(head)) == "U":
                ties.setdefault(rank_of(head), Counter())[c.id] += 2  # "Major Callendar": the Major
    out: dict[str, str] = {}
    for noun, counts in ties.items():
        (best, n), *rest = counts.most_common(2) + [("", 0)]
        if n >= 2 and n >= 2 * rest[0][1] and noun not in GENDERED_NOUNS and noun.isalpha():
            out[noun] = best
    return out


def surnames(c: Character) -> set[str]:
    """The family names a character goes by: the last word of each name of two words or more
    ("Mrs. Palmer" gives Charlotte the surname of her husband)."""
    out = set()
    for name in (c.name, *c.aliases):
        parts = name.replace(".", " ").split()
        if len(parts) > 1 and parts[-1][:1].isupper() and parts[-1].lower() not in TITLES:
            out.add(parts[-1].lower())
    return out


def kin_owner(ctx: Context, possessive: str, offset: int) -> str | None:
    """Whose relative "said her mother" names: the one the quotation addresses by name
    ("Janey!" said her mother), else the one it answers when of that gender (a relative
    replying), else whom the possessive refers to in the narration."""
    want = "M" if possessive == "his" else "F"
    addressed = [c for c in ctx.exclude if ctx.gender.get(c) == want]
    if len(addressed) == 1:
        return addressed[0]
    prev = ctx.turns[-1].speaker if ctx.turns else None
    if prev and ctx.gender.get(prev) == want and prev not in ctx.exclude:
        return prev
    return resolve_pronoun(ctx, "he" if possessive == "his" else "she", offset)


def relative_of(ctx: Context, possessive: str, offset: int, gender: str) -> str | None:
    """ "said her mother": never the one "her" is, but a relative of hers (`kin_owner`); of
    the cast, the one of that gender called by that kinship ("Aunt Juley" for "her aunt") or
    bearing a surname of hers ("Mrs. Miller" for Daisy Miller's mother; not for the husband of
    a "Miss"), a titled one for a mother or a husband, the most salient of them when several.
    The relative who spoke the turn before the owner's, when there is one, is preferred: a
    family exchange ("Uncle George" / "They don't last," muttered his uncle). Else the most
    salient other character of that gender."""
    owner = kin_owner(ctx, possessive, offset)
    pron = "he" if gender == "M" else "she"
    m = re.match(r"\w+\s+(\w+)", ctx.doc.text[offset : offset + 40])
    noun = m.group(1).lower() if m else ""
    saved = ctx.exclude
    ctx.exclude = saved | ({owner} if owner else set())
    try:
        if owner is None:
            return resolve_pronoun(ctx, pron, offset)
        owner_char = ctx.doc.character(owner)
        family = surnames(owner_char) if owner_char else set()
        fitting = [
            c for c in ctx.doc.characters if c.id not in ctx.exclude and ctx.gender.get(c.id, "U") in (gender, "U")
        ]
        called = KIN_ALIASES.get(noun, frozenset())
        by_name = [c for c in fitting if any(a.split()[0].lower() in called for a in (c.name, *c.aliases) if a)]
        maiden = noun in SPOUSES and any(a.lower().startswith("miss ") for a in (owner_char.name, *owner_char.aliases))
        kin = [] if maiden else [c for c in fitting if surnames(c) & family]
        both = [c for c in by_name if c in kin]
        chosen = both or (by_name if len(by_name) == 1 else []) or kin
        if noun in ELDER_KIN:
            senior = [
                c for c in chosen if name_heads(c) & SENIOR_TITLES
            ]
            chosen = senior or chosen
        back = ctx.turns[-2].speaker if len(ctx.turns) >= 2 else None
        rejoins = back if back and back != owner and back in {c.id for c in fitting} else None
        if rejoins and (not chosen or rejoins in {c.id for c in chosen}):
            return rejoins
        if len(chosen) == 1:
            return chosen[0].id
        if chosen:
            ids = {c.id for c in chosen}
            scored = pronoun_candidates(ctx, gender, offset, lambda cid: cid in ids)
            if scored:
                return max(scored, key=lambda c: salience(scored[c]))
            return chosen[0].id
        return resolve_pronoun(ctx, pron, offset)
    finally:
        ctx.exclude = saved


def the_other(ctx: Context) -> str | None:
    """ "said the other": the one taking part in the conversation who did not just speak, nor
    answers next (`named_next`); of several, the one the next turn calls by name."""
    last = ctx.turns[-1].speaker if ctx.turns else None
    answerer = named_next(ctx, ctx.para_start)
    called = called_next(ctx, ctx.para_start)
    taking_part = [
        cid
        for t in reversed(ctx.turns[-6:])
        for cid in (t.speaker, t.first, *t.vocatives)
        if cid and cid != last and cid != answerer and cid not in ctx.exclude
    ]
    if taking_part:
        return next((c for c in taking_part if c in called), taking_part[0])
    return next(
        (c for c in recent_names(ctx, ctx.para_start) if c not in (last, answerer) and c not in ctx.exclude), None
    )


def resolve_pronoun(ctx: Context, word: str, offset: int) -> str | None:
    """Who "he"/"she" in narration is, read the way dialogue is read.

    "I" is the narrator. "he"/"she" (and a description read like them, "his wife") goes to
    the candidate the salience model scores highest (`pronoun_candidates`, SALIENCE_WEIGHTS):
    recent mentions as the subject, the main subject of the last sentences, taking part in
    the conversation, not having just spoken, not named in the quotation. Measured on PDNC
    with the gold cast, it beats the nearest-name cascade kept below for "him"/"her"
    (addressees) and for a pronoun with no candidate: pronoun-tagged quotations 0.709 ->
    0.740. Names said to someone in the quotation itself (vocatives) are never its speaker.
    """
    if word in ("i", "me", "my"):
        return ctx.narrator
    want = PRONOUN_GENDER.get(word)
    if want not in ("M", "F"):
        return ctx.pronouns.get(offset)
    exclude = set(ctx.exclude)

    def fits(cid: str | None) -> bool:
        return bool(cid) and cid not in exclude and ctx.gender.get(cid or "", "U") in (want, "U")

    if word in ("he", "she"):
        scored = pronoun_candidates(ctx, want, offset, fits)
        if scored:
            return max(scored, key=lambda c: salience(scored[c]))
    recent = [t.speaker for t in reversed(ctx.turns[-6:]) if t.speaker]
    if ctx.verb in CONTINUE_VERBS:
        for cid in recent:
            if fits(cid):
                return cid
    items = ctx.idx.items
    j = ctx.idx.before(offset) - 1
    in_paragraph: list[tuple[int, str]] = []
    unknown: str | None = None
    for _ in range(MAX_BACK_MENTIONS):
        if j < 0:
            break
        s, _e, cid, _k = items[j]
        j -= 1
        if ctx.in_quote(s) or not fits(cid):
            continue
        if ctx.gender.get(cid) != want:
            unknown = unknown or cid  # gender not known: a candidate only if no other
            continue
        if s >= ctx.para_start:
            in_paragraph.append((s, cid))
            continue
        if in_paragraph:
            break
        return present(ctx, want, subject_chain(ctx, word, s, _e, offset, fits) or cid, fits)
    if in_paragraph:
        subjects = [cid for s, cid in in_paragraph if sentence_initial(ctx.doc.text, s, ctx.para_start)]
        return subjects[0] if subjects else in_paragraph[0][1]
    party = present(ctx, want, None, fits)
    if party is not None:
        return party
    if offset in ctx.pronouns and fits(ctx.pronouns[offset]):
        return ctx.pronouns[offset]
    return unknown or next((cid for cid in recent if fits(cid)), None)


SALIENCE_FEATURES = (
    "nearest",
    "nearest_name",
    "subject_recency",
    "mention_recency",
    "last_subject",
    "last_name_subject",
    "object_last_sentence",
    "main_subject",
    "beside_pronoun",
    "outsider",
    "in_paragraph",
    "paragraph_subject",
    "object_only",
    "coref",
    "answered",
    "alternates",
    "participant",
    "only_participant",
    "addressed",
    "named_in_quote",
    "unknown_gender",
    "continues",
    "prominence",
    "named_next",
    "named_after",
    "called_next",
    "named_after_next",
)
SALIENCE_WEIGHTS: dict[str, float] = {
    "nearest": 0.09,
    "nearest_name": 1.53,
    "subject_recency": 0.64,
    "mention_recency": 0.63,
    "last_subject": -0.51,
    "last_name_subject": 0.58,
    "object_last_sentence": -0.23,
    "main_subject": 0.49,
    "beside_pronoun": -0.48,
    "outsider": -2.00,
    "in_paragraph": 0.55,
    "paragraph_subject": 0.23,
    "object_only": -0.40,
    "coref": 0.22,
    "answered": -0.72,
    "alternates": 0.50,
    "participant": 1.23,
    "only_participant": -0.49,
    "addressed": 2.36,
    "named_in_quote": -1.88,
    "unknown_gender": -1.87,
    "continues": -0.12,
    "prominence": 0.41,
    "named_next": -2.97,
    "named_after": -2.5,
    "called_next": 2.25,
    "named_after_next": 0.93,
}
"""Conditional-logit weights over SALIENCE_FEATURES, fitted on the pronoun tags of the 12
PDNC training novels (`evaluation/salience.py`, gold cast; see docs/models.md), except
`outsider`: fitted -0.11, but any value down to -4 scores the same on PDNC, and -2 keeps the
reading that a pronoun tag in a conversation is someone taking part in it, not a character
named only before it began (the far end of a phone call is never in the narration). The four
last (the next turns and the tag's own clause) were fitted later with all the others on the
same novels; the earlier weights were kept, refitting them scores no better (share of pronoun
tags right, train / held out: 0.764 / 0.754 before those four, 0.789 / 0.770 with them)."""
SALIENCE_WINDOW = 3000
"""How far back (characters) narration mentions are read for a pronoun tag."""
SUBJECT_FOLLOWERS = words(
    "was were had has is could would should might must did does will shall can may "
    "not never also then still just only"
)
"""Words that follow a subject rather than an object ("Anne could", "Diana was")."""
SENTENCE_BREAK = re.compile("[.!?;][\"\u201d'\u2019)]*\\s")


def salience(features: list[float]) -> float:
    """A candidate's score: the weighted sum of its salience features."""
    return sum(SALIENCE_WEIGHTS[name] * v for name, v in zip(SALIENCE_FEATURES, features, strict=True))


def mention_role(ctx: Context, start: int, end: int, word: str | None) -> str:
    """How a mention stands in its sentence: `subject`, `object` (after a verb or a
    preposition, or "him"/"her"), `possessive` ("Anne's", "his") or `other`.
    Read from the POS tags when the token layer is there, else from the words around."""
    text = ctx.doc.text
    if word is not None:
        if word in ("he", "she", "they"):
            return "subject"
        if word in ("his", "hers", "their"):
            return "possessive"
        return "object"
    if text[end : end + 2] in ("'s", "\u2019s"):
        return "possessive"
    if sentence_initial(text, start, max(0, start - 200)):
        return "subject"
    toks = ctx.doc.layers.get("tokens")
    if toks is not None and len(toks):
        i = toks.index_at(start)
        j = toks.index_at(end - 1) + 1
        while j < len(toks) - 1 and toks.tag[j] == "RB":
            j += 1  # "Mary slowly mounted": the verb after the adverbs
        nxt = toks.tag[j] if j < len(toks) else ""
        prev = toks.tag[i - 1] if i > 0 else ""
        if nxt.startswith("VB") or nxt == "MD":
            return "subject"
        if prev in ("IN", "TO") or prev.startswith("VB"):
            return "object"
        return "other"
    after = tokens(text, end, end + 30)
    before = tokens(text, max(0, start - 30), start)
    if after and (after[0][2] in SUBJECT_FOLLOWERS or verb_like(after[0][2])):
        return "subject"
    if before and (before[-1][2] in OBJECT_PREPS or verb_like(before[-1][2])):
        return "object"
    return "other"


def sentences_between(ctx: Context, start: int, end: int) -> int:
    """Narration sentence breaks between two offsets, a quotation counting as one."""
    text = ctx.doc.text
    n = 0
    pos = start
    i = bisect_right(ctx.quote_starts, start)
    while pos < end:
        if i < len(ctx.quote_starts) and ctx.quote_starts[i] < end:
            qs, qe = ctx.quote_starts[i], ctx.quote_ends[i]
            n += len(SENTENCE_BREAK.findall(text, pos, qs)) + 1
            pos = max(pos, qe + 1)
            i += 1
        else:
            n += len(SENTENCE_BREAK.findall(text, pos, end))
            break
    return n


SENTENCE_OPENERS = words("then but and so now still yet at last once again suddenly finally here there")


def opens_sentence(text: str, offset: int) -> bool:
    """Whether a mention is the main subject of its sentence: nothing before it in the
    sentence but a connective ("Then she returned", "But Anne stood"), or the subject of a
    speech tag right after a quotation."""
    head = text[max(0, offset - 40) : offset]
    while True:
        stripped = head.rstrip(" \t\n\"\u201c\u201d',")
        m = re.search(r"[A-Za-z]+$", stripped)
        if m is None or m.group(0).lower() not in SENTENCE_OPENERS:
            break
        head = stripped[: m.start()]
    stripped = head.rstrip(" \t\n")
    return not stripped or stripped[-1] in ".!?;:\u2014\"\u201d"


def beside_pronoun(
    ctx: Context, mentions: list[tuple[int, int, str, str | None]], at: int | None
) -> set[str]:
    """Characters named, other than as its subject, in the sentence of the last "he"/"she"
    subject of the narration: "she was indignant with Katharine" - that "she" is not
    Katharine, and neither, usually, is the "she" of the next speech tag."""
    if at is None:
        return set()
    text = ctx.doc.text
    head = text[max(0, at - 300) : at]
    start = max(at - 300, 0) + max((m.end() for m in SENTENCE_BREAK.finditer(head)), default=0)
    tail = SENTENCE_BREAK.search(text, at, at + 300)
    end = tail.start() if tail else at + 300
    return {
        cid
        for s, e, cid, word in mentions
        if word is None and start <= s < end and mention_role(ctx, s, e, None) != "subject"
    }


def current_quote(ctx: Context, offset: int) -> tuple[int, int] | None:
    """The quotation a tag at `offset` belongs to: the one just before it, else the next."""
    i = bisect_right(ctx.quote_ends, offset) - 1
    if i >= 0 and offset - ctx.quote_ends[i] < 40:
        return ctx.quote_starts[i], ctx.quote_ends[i]
    if i + 1 < len(ctx.quote_starts) and ctx.quote_starts[i + 1] - offset < 200:
        return ctx.quote_starts[i + 1], ctx.quote_ends[i + 1]
    return None


def next_turn(ctx: Context, offset: int) -> tuple[int, int, int] | None:
    """The paragraph after `offset`'s, when it holds a quotation (the next turn of the
    conversation): the index in doc.quotes of its first quotation, its start and its end."""
    if not ctx.paragraphs:
        doc = ctx.doc
        paras = doc.layers.get("paragraphs") or story_paragraphs(doc.text, list(doc.story_regions()))
        ctx.paragraphs = [(p[0], p[1]) for p in paras]
    i = bisect_right(ctx.paragraphs, (offset, len(ctx.doc.text) + 1))
    if i >= len(ctx.paragraphs):
        return None
    ps, pe = ctx.paragraphs[i]
    j = bisect_right(ctx.quote_starts, ps - 1)
    return (j, ps, pe) if j < len(ctx.quote_starts) and ctx.quote_starts[j] <= pe else None


def called_next(ctx: Context, offset: int) -> set[str]:
    """Whom the next turn addresses by name ("Oh, Fielding, ..."): usually the one who just
    spoke."""
    turn = next_turn(ctx, offset)
    return set(vocatives(ctx, ctx.doc.quotes[turn[0]])) if turn is not None else set()


def named_next(ctx: Context, offset: int) -> str | None:
    """The speaker the next paragraph names in the tag right after its first quotation
    ("..." said Fielding / "..." Fielding replied): the one who answers, rarely the one
    answered. Not when a saying verb introduces that quotation: its tag is there, and a
    name after it starts the next sentence (he replied "alright." Red sighed)."""
    turn = next_turn(ctx, offset)
    if turn is None:
        return None
    j, ps, pe = turn
    text = ctx.doc.text
    qs, qe = ctx.quote_starts[j], ctx.quote_ends[j]
    lead = clause_before(text, ps, max(ps, qs - 1))
    if any(saying(lead, k) for k in range(max(0, len(lead) - 3), len(lead))):
        return None
    toks = tokens(text, qe, min(pe, qe + 60))[:4]
    for k, tok in enumerate(toks):
        hit = ctx.name_at.get(tok[0])
        if hit is None:
            continue
        if (k > 0 and saying(toks, k - 1)) or (k + 1 < len(toks) and saying(toks, k + 1)):
            return hit[1]
        return None
    return None


def pronoun_candidates(
    ctx: Context, want: str, offset: int, fits: Callable[[str | None], bool]
) -> dict[str, list[float]]:
    """Everyone "he"/"she" in a speech tag may be, each with the salience features a careful
    reader weighs (SALIENCE_FEATURES order): how recently and in which role (subject,
    object, possessive) the narration mentioned them, whether they take part in the
    conversation, answered it just now or were addressed, and whether the quotation names
    them (a speaker rarely names themself)."""
    if not ctx.pronoun_starts and ctx.pronouns:
        ctx.pronoun_starts = sorted(ctx.pronouns)
    text = ctx.doc.text
    floor = max(0, offset - SALIENCE_WINDOW)
    mentions: list[tuple[int, int, str, str | None]] = [
        (s, e, cid, None) for s, e, cid, _k in ctx.idx.items[ctx.idx.before(floor) : ctx.idx.before(offset)]
    ]
    lo = bisect_right(ctx.pronoun_starts, floor - 1)
    hi = bisect_right(ctx.pronoun_starts, offset - 1)
    for s in ctx.pronoun_starts[lo:hi]:
        m = re.match(r"[A-Za-z]+", text[s : s + 8])
        if m is not None:
            mentions.append((s, s + m.end(), ctx.pronouns[s], m.group(0).lower()))
    mentions.sort(reverse=True)
    order: list[str] = []
    names: list[str] = []
    nearest_role: dict[str, str] = {}
    subject_at: dict[str, int] = {}
    mention_at: dict[str, int] = {}
    para: set[str] = set()
    para_subject: set[str] = set()
    last_subject: str | None = None
    last_name_subject: str | None = None
    object_last: set[str] = set()
    main_subject: str | None = None
    pronoun_subject_at: int | None = None
    unknown: set[str] = set()
    for s, e, cid, word in mentions:
        if ctx.in_quote(s) or not fits(cid):
            continue
        if ctx.gender.get(cid) != want:
            unknown.add(cid)
        role = mention_role(ctx, s, e, word)
        if cid not in order:
            order.append(cid)
            nearest_role[cid] = role
            mention_at[cid] = s
        if word is None and cid not in names:
            names.append(cid)
        if s >= ctx.para_start:
            para.add(cid)
            if role == "subject":
                para_subject.add(cid)
        if role == "subject":
            if last_subject is None:
                last_subject = cid
            if word is None and last_name_subject is None:
                last_name_subject = cid
            if word is not None and pronoun_subject_at is None:
                pronoun_subject_at = s
            if opens_sentence(text, s):
                main_subject = main_subject or cid
            subject_at.setdefault(cid, s)
        elif cid not in subject_at and sentences_between(ctx, s, offset) <= 1:
            object_last.add(cid)
    seen: list[str] = []
    for t in reversed(ctx.turns[-8:]):
        for cid in (t.speaker, t.first, *t.vocatives):
            if cid and cid not in seen:
                seen.append(cid)
    same = [c for c in seen if fits(c) and ctx.gender.get(c) == want]
    beside = beside_pronoun(ctx, mentions, pronoun_subject_at)
    conversation_start = ctx.turns[0].start if ctx.turns else -1
    prev = ctx.turns[-1] if ctx.turns else None
    prev2 = ctx.turns[-2] if len(ctx.turns) >= 2 else None
    coref = ctx.pronouns.get(offset)
    quote = current_quote(ctx, offset)
    in_quote = {m[2] for m in ctx.idx.between(*quote)} - ctx.exclude if quote else set()
    recent = [t.speaker for t in reversed(ctx.turns[-6:]) if t.speaker and fits(t.speaker)]
    answerer = named_next(ctx, offset)
    called = called_next(ctx, offset)
    turn = next_turn(ctx, offset)
    answerer2 = named_next(ctx, turn[1]) if turn is not None else None
    stop = SENTENCE_BREAK.search(text, offset, offset + 150)
    clause_end = stop.start() if stop else offset + 150
    following = bisect_right(ctx.quote_starts, offset)
    if following < len(ctx.quote_starts):
        clause_end = min(clause_end, ctx.quote_starts[following])
    after = {m[2] for m in ctx.idx.between(offset, clause_end)}
    cands = [c for c in dict.fromkeys([*order[:8], *same, *([coref] if coref else [])]) if fits(c)]
    out: dict[str, list[float]] = {}
    for c in cands:
        rank = order.index(c) if c in order else len(order) + 2
        name_rank = names.index(c) if c in names else len(names) + 2
        subj = 0.5 ** sentences_between(ctx, subject_at[c], offset) if c in subject_at else 0.0
        anym = 0.5 ** sentences_between(ctx, mention_at[c], offset) if c in mention_at else 0.0
        out[c] = [
            1.0 / (1 + rank),
            1.0 / (1 + name_rank),
            subj,
            anym,
            float(c == last_subject),
            float(c == last_name_subject),
            float(c in object_last),
            float(c == main_subject),
            float(c in beside),
            float(bool(same) and c not in seen and c in mention_at and mention_at[c] < conversation_start),
            float(c in para),
            float(c in para_subject),
            float(nearest_role.get(c) in ("object", "possessive") and c not in subject_at),
            float(c == coref),
            float(prev is not None and c == prev.speaker),
            float(prev2 is not None and c == prev2.speaker and prev is not None and prev.speaker != c),
            float(c in seen),
            float(same == [c]),
            float(prev is not None and c in prev.vocatives),
            float(c in in_quote),
            float(c in unknown or ctx.gender.get(c, "U") != want),
            float(ctx.verb in CONTINUE_VERBS and bool(recent) and recent[0] == c),
            ctx.mention_share.get(c, 0.0),
            float(c == answerer),
            float(c in after),
            float(c in called),
            float(c == answerer2),
        ]
    return out


def subject_chain(
    ctx: Context, word: str, named_at: int, named_end: int, offset: int, fits: Callable[[str | None], bool]
) -> str | None:
    """ "Marmee sat down. Then she took Jo's hand. / "..." she said": when the same pronoun
    opened a sentence of the narration after the nearest name, it carries the subject on;
    coref's reading of that pronoun wins over the nearest name (here the possessive)."""
    text = ctx.doc.text
    after = text[named_end : named_end + 2]
    if after not in ("'s", "\u2019s"):
        return None
    head = text[max(0, named_at - 200) : named_at]
    stop = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("\n"))
    toks = tokens(text, max(0, named_at - 200) + stop + 1, offset)
    for i in range(len(toks) - 1, -1, -1):
        s, _e, w = toks[i]
        if w != word or ctx.in_quote(s):
            continue
        prev = toks[i - 1][2] if i else "."
        if prev in SENTENCE_END or prev in ("then", "and", "but", "so"):
            cid = ctx.pronouns.get(s)
            return cid if fits(cid) else None
    return None


def present(ctx: Context, want: str, named: str | None, fits: Callable[[str | None], bool]) -> str | None:
    """A pronoun tag in a conversation means someone taking part in it, not the one being
    answered. `named` is the nearest name of that gender in the narration: kept if they have
    spoken or been addressed in the last turns, unless they spoke the turn before (then the
    pronoun is the other participant of that gender); else the most recent participant of
    that gender (the far end of a phone call is never in the narration). Measured on PDNC
    with the gold cast: 0.710 -> 0.717 speaker accuracy, mostly on 3+ person scenes."""
    seen: list[str] = []
    for t in reversed(ctx.turns[-8:]):
        for cid in (t.speaker, t.first, *t.vocatives):
            if cid and cid not in seen:
                seen.append(cid)
    prev = ctx.turns[-1].speaker if ctx.turns else None
    same = [c for c in seen if fits(c) and ctx.gender.get(c) == want]
    if len(same) >= 2 and prev in same:
        same.remove(prev)
    if named == prev and same and named not in same:
        return same[0]
    if named is not None and named in seen:
        return named
    return same[0] if same else named


def sentence_initial(text: str, offset: int, floor: int) -> bool:
    """Whether a name starts its sentence (the subject, usually): only spaces and a closing
    mark or sentence end before it."""
    k = offset - 1
    while k >= floor and text[k] in " \t\n\"\u201d'":
        k -= 1
    return k < floor or text[k] in ".!?;:\u2014"


def saying(toks: list[tuple[int, int, str]], k: int) -> bool:
    """A verb of saying at token k; "went" only as "went on" ("And he went." is not a tag),
    and not "said nothing"."""
    word = toks[k][2]
    nxt = toks[k + 1][2] if k + 1 < len(toks) else ""
    if word in GO:
        return nxt == "on"
    return word in TAG_VERB_FORMS and nxt != "nothing"  # "but said nothing in return"


def verb_like(word: str) -> bool:
    """A tag verb from the list, or any past-tense form ("contradicted", "chattered")."""
    return word in TAG_VERB_FORMS or word in PAST_IRREGULAR or (
        len(word) > 4 and word.endswith("ed") and word not in NOT_VERBS
    )


FILLERS = frozenset({",", "again", "then", "now", "at", "once", "too", "in", "out", "up", "forth", "on", "the"})


def is_adverb(ctx: Context, tok: tuple[int, int, str]) -> bool:
    """An -ly word that is not a name ("quietly", not "Milly", "Dolly" or "Emily")."""
    return tok[2].endswith("ly") and tok[0] not in ctx.name_at


def skip_adverbs(ctx: Context, toks: list[tuple[int, int, str]], k: int) -> int:
    """Past adverbs and particles ("broke in", "said quietly") to the word that matters."""
    while k < len(toks) and (is_adverb(ctx, toks[k]) or toks[k][2] in FILLERS):
        k += 1
    return k


def structural_tag(ctx: Context, toks: list[tuple[int, int, str]]) -> tuple[int, Ref] | None:
    """ "..." said Anne / "..." Anne said: a clause that opens with a verb and a name, or a
    name and a verb, is a tag whatever the verb ("contradicted Major Callendar")."""
    if not toks:
        return None
    if verb_like(toks[0][2]) or toks[0][2] in COPULAS:
        k = skip_adverbs(ctx, toks, 1)
        owner = utterance_owner(ctx, toks, k)
        if owner is not None:
            return 0, owner
        for kk in (k, k + 1):  # "said dour Major Callendar"
            if kk < len(toks):
                ref, end = ref_at(ctx, toks, kk)
                if ref is not None and toks[0][2] not in COPULAS and possessor_only(ctx, end):
                    return None  # "answered Daisy's mamma": not Daisy
                if ref is not None and (ref.kind != "pronoun" or toks[kk][2] in SUBJECTS_OR_YOU):
                    return 0, ref
        return None
    ref, end = ref_at(ctx, toks, 0)
    if ref is None:
        return None
    k = 1
    while k < len(toks) and toks[k][0] < end:
        k += 1
    k = skip_adverbs(ctx, toks, k)
    if k < len(toks) and toks[k][2] in TAG_AUXILIARIES:
        k = skip_adverbs(ctx, toks, k + 1)  # "he would cry", "she was saying"
        said = k < len(toks) and toks[k][2] in TAG_VERB_FORMS | SPEECH_PARTICIPLES | SPEECH_LEMMAS
        return (k, ref) if said else None
    going_on = ctx.quote_end not in ".!?" or (ctx.quote_end in "!?" and ctx.doc.text[toks[0][0]].islower())
    if k < len(toks) and (saying(toks, k) or (going_on and verb_like(toks[k][2]) and toks[k][2] not in GO)):
        return k, ref  # any verb after "...," or "...!" she (the sentence goes on); else a verb of saying
    return None


def utterance_owner(ctx: Context, toks: list[tuple[int, int, str]], k: int) -> Ref | None:
    """ "..." was his reply / came her answer: the owner of a noun for an utterance speaks."""
    if k + 1 >= len(toks) or toks[k][2] not in ("his", "her", "my", "their"):
        return None
    if not any(t[2] in SPEECH_NOUNS for t in toks[k + 1 : k + 4]):
        return None
    word = toks[k][2]
    if word == "my":
        return Ref(ctx.narrator, "pronoun", toks[k][0])
    owner = resolve_pronoun(ctx, {"his": "he", "her": "she", "their": "they"}[word], toks[k][0])
    return Ref(owner, "pronoun", toks[k][0])


def find_tag(ctx: Context, toks: list[tuple[int, int, str]], after: bool) -> Tag | None:
    """A speech tag in a clause: the verb, then the name or pronoun that goes with it. Not
    a clause after the quotation that an "and" joins to the sentence before it: '...,"
    and warned Aziz' goes on with the one who spoke, and names the one spoken to."""
    ctx.verb = next((t[2] for t in toks if verb_like(t[2])), "")
    if after and toks and toks[0][2] in ("and", "but"):
        return None
    if after:
        hit = structural_tag(ctx, toks)
        if hit is not None:
            v, ref = hit
            verb = toks[v][2]
            speech = "thought" if verb in THOUGHT_VERBS else "written" if verb in WRITE_VERBS else None
            return Tag(ref, tag_addressee(ctx, toks, v), speech, adjacent=True, verb=verb)
    verbs = [
        i
        for i, t in enumerate(toks)
        if saying(toks, i) or (not after and (t[2] in SPEECH_PARTICIPLES or bare_saying(ctx, toks, i)))
    ]
    source = utterance_source(ctx, toks) or (None if after else possessed_utterance(ctx, toks))
    if source is not None:
        return Tag(source, None, None, adjacent=after)
    if not verbs:
        return None
    v = verbs[0] if after else verbs[-1]
    verb = toks[v][2]
    owner = None if after else gerund_owner(ctx, toks, v)
    if owner is not None:
        return Tag(owner, tag_addressee(ctx, toks, v), None, verb=verb)
    speech = "thought" if verb in THOUGHT_VERBS else "written" if verb in WRITE_VERBS else None
    speaker: Ref | None = None
    k = v + 1
    while k < len(toks) and (is_adverb(ctx, toks[k]) or toks[k][2] == ","):
        k += 1
    after_end = toks[v][1]
    if k < len(toks):
        ref, after_end = ref_at(ctx, toks, k)
        if ref is not None and (ref.kind != "pronoun" or toks[k][2] in SUBJECTS_OR_YOU):
            speaker = None if possessor_only(ctx, after_end) else ref
    if speaker is None and not after:
        speaker = aside_subject(ctx, toks, v)
    if speaker is None and coordinated(ctx, toks, v):
        speaker = clause_subject(ctx, toks, v)
    if speaker is None:
        for i in range(v - 1, -1, -1):
            ref, _ = ref_at(ctx, toks, i)
            if ref is None:
                continue
            if object_of_preposition(toks, i):
                continue
            speaker = ref
            break
        if speaker is not None and verb in ADDRESS_VERBS and k < len(toks):
            ref, _ = ref_at(ctx, toks, k)
            if ref is not None and ref.cid:
                return Tag(speaker, ref.cid, speech, verb=verb)
    if speaker is None:
        return None
    return Tag(speaker, tag_addressee(ctx, toks, v, after_end), speech, verb=verb)


def bare_saying(ctx: Context, toks: list[tuple[int, int, str]], i: int) -> bool:
    """A verb of saying in its plain form that still leads into a quotation: "came to the
    table to say", "heard May rejoin", "made Mrs Rattery ask"."""
    if toks[i][2] not in SPEECH_LEMMAS or toks[i][2] in ("read", "write", "type", "text", "think") or i == 0:
        return False
    if toks[i - 1][2] == "to":
        return True
    for j in range(i - 1, max(0, i - 4), -1):  # the name before the verb may be several words
        hit = ctx.name_at.get(toks[j][0])
        if hit is not None and hit[0] >= toks[i - 1][1] - 1:
            return toks[j - 1][2] in PERCEIVE_VERBS
    return False


def possessor_only(ctx: Context, end: int) -> bool:
    """Whether the name ending at `end` only owns the one meant ("Daisy's mamma", "Daisy s
    mamma" with a lost apostrophe), unless what it owns is a voice or words."""
    m = POSSESSED.match(ctx.doc.text, end)
    if not m:
        return False
    owned = m.group(1).lower().split()[:3]  # "Edmund's only reply"
    return not any(w in SPEECH_NOUNS or w in ("voice", "lips", "tones", "tone") for w in owned)


def utterance_source(ctx: Context, toks: list[tuple[int, int, str]]) -> Ref | None:
    """Where words come from, said outright: "burst from Philip", "was uttered by Captain
    Wentworth", "cut in the clear voice of Inspector Ratcliffe"."""
    for i, t in enumerate(toks[:-1]):
        before = toks[i - 1][2] if i else ""
        source = (
            (t[2] == "from" and any(p[2] in OUT_VERBS for p in toks[max(0, i - 3) : i]))
            or (t[2] == "by" and (before in TAG_VERB_FORMS or before == "uttered"))
            or (t[2] == "of" and before in ("voice", "lips"))
        )
        if not source:
            continue
        ref, _ = ref_at(ctx, toks, i + 1)
        if ref is not None and ref.cid and ref.kind != "pronoun":
            return ref
    return None


RELATIVES = words("who whose")
CLAUSE_BREAKS = words("; : -- \u2014")


def aside_subject(ctx: Context, toks: list[tuple[int, int, str]], v: int) -> Ref | None:
    """The one an aside between commas leads back to, when the verb follows it: "Fielding,
    who didn't dislike Miss Derek, replied:", "Marilla, seeing the disappointment on Anne's
    face, said", "the Rajah, who, making a great effort, said". The names inside the aside
    are objects; the speaker is named just before its first comma. None when the clause
    is not built so, or when an "and" joins a new clause ("looked at Diana, and, smiling,
    said": coordinated() reads those)."""
    k = v - 1
    if k >= 1 and toks[k][2] == "to":
        k -= 2  # "ventured to say", "began to say"
    while k >= 0 and (is_adverb(ctx, toks[k]) or toks[k][2] in ("then", "now", "again", "once")):
        k -= 1
    own = k
    while own >= 0 and toks[own][2] not in CLAUSE_BREAKS and toks[own][2] != ",":
        own -= 1
    if k < 0 or (toks[k][2] != "," and not (own >= 0 and toks[own][2] == "," and toks[own + 1][2] in RELATIVES)):
        return None
    j = own if toks[k][2] != "," else k
    while j > 0:
        i = j - 1
        while i >= 0 and toks[i][2] not in CLAUSE_BREAKS and toks[i][2] != ",":
            i -= 1
        if i <= 0 or toks[i][2] != "," or toks[i + 1][2] in ("and", "but", "then", "or"):
            return None
        relative = toks[i + 1][2] in RELATIVES  # "met by Mr. Allen, who, on hearing it, said"
        named, end = ref_at(ctx, toks, i + 1)
        if named is not None and named.kind == "name" and named.cid and end == toks[j - 1][1]:
            return named  # "My grandfather, Richard Gilmore, used to say": the aside names him
        for a in range(max(0, i - 4), i):
            ref, end = ref_at(ctx, toks, a)
            if ref is not None and ref.cid and ref.kind != "pronoun" and end == toks[i - 1][1]:
                return None if object_of_preposition(toks, a) and not relative else ref
        j = i
    return None


def gerund_owner(ctx: Context, toks: list[tuple[int, int, str]], v: int) -> Ref | None:
    """Whose saying it is when the verb is a gerund after a possessive: "stopped by Sir
    Thomas's saying with authority", "Mrs Croft's suddenly saying", "Miss Tilney s saying"."""
    if not toks[v][2].endswith("ing"):
        return None
    for a in range(max(0, v - 6), v):
        if owns(ctx, toks[a], toks[v]):
            hit = ctx.name_at[toks[a][0]]
            return Ref(hit[1], hit[2], toks[a][0])
    return None


def owns(ctx: Context, name: tuple[int, int, str], owned: tuple[int, int, str]) -> bool:
    """Whether the name starting at token `name` is a possessive whose next words hold token
    `owned` ("Sir Thomas's saying", "Miss Tilney s saying", "May's voice")."""
    hit = ctx.name_at.get(name[0])
    m = POSSESSED.match(ctx.doc.text, hit[0]) if hit is not None else None
    return m is not None and m.start(1) <= owned[0] and owned[1] <= m.end(1)


UTTERANCE_LINKS = words("was were is of had been this then always ever , : -- \u2014")
UTTERANCE_NOUNS = SPEECH_NOUNS | words("declaration voice")
"""Nouns whose owner leads into a quotation: "Mary's declaration was,", "May's voice:"."""


def possessed_utterance(ctx: Context, toks: list[tuple[int, int, str]]) -> Ref | None:
    """The owner of a noun for an utterance that leads into the quotation: "Elizabeth's
    reply was, "..."", "Mr. Rushworth's repeated question of, "..."", "his answer was:",
    "after an interval May's voice:"."""
    for i in range(len(toks) - 1, max(-1, len(toks) - 7), -1):
        if toks[i][2] not in UTTERANCE_NOUNS:
            continue
        if any(t[2] not in UTTERANCE_LINKS for t in toks[i + 1 :]):
            return None
        for j in range(i - 1, max(-1, i - 6), -1):
            if toks[j][2] in ("his", "her", "my") and j >= i - 3:
                return utterance_owner(ctx, toks, j)
            hit = ctx.name_at.get(toks[j][0])
            if hit is not None:
                return Ref(hit[1], hit[2], toks[j][0]) if owns(ctx, toks[j], toks[i]) else None
        return None
    return None


def coordinated(ctx: Context, toks: list[tuple[int, int, str]], v: int) -> bool:
    """Whether the verb at v shares the subject of an earlier verb ("Callendar laughed, and
    said"): "and" right before it, past adverbs."""
    k = v - 1
    while k >= 0 and (is_adverb(ctx, toks[k]) or toks[k][2] in ("then", "at", "once", "again")):
        k -= 1
    return k > 0 and toks[k][2] == "and"


def clause_subject(ctx: Context, toks: list[tuple[int, int, str]], v: int) -> Ref | None:
    """The first reference of the sentence that is not the object of a preposition: the
    subject of "Henry, about an hour afterwards, came into the room where Eleanor sat, and said"."""
    for i in range(v - 1, -1, -1):
        ref, end = ref_at(ctx, toks, i)
        if ref is None or not ref.cid or object_of_preposition(toks, i):
            continue
        k = skip_adverbs(ctx, toks, next((j for j in range(i, v) if toks[j][0] >= end), v))
        if k < v and (verb_like(toks[k][2]) or toks[k][2] in TAG_AUXILIARIES):
            return ref
    return None


def object_of_preposition(toks: list[tuple[int, int, str]], i: int) -> bool:
    """Whether the reference at token i follows a preposition ("turned to the General"): an
    object, not the one speaking."""
    j = i - 1
    while j >= 0 and toks[j][2] in DETERMINERS:
        j -= 1
    return j >= 0 and toks[j][2] in OBJECT_PREPS


def tag_addressee(ctx: Context, toks: list[tuple[int, int, str]], v: int, after: int = -1) -> str | None:
    """ "said to Anne", "whispered to her": the addressee named after the verb."""
    for i in range(v + 1, len(toks) - 1):
        if toks[i][0] >= after and toks[i][2] == "to":
            ref, _ = ref_at(ctx, toks, i + 1)
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
            cid = ctx.pronouns.get(t[0]) if t[2] != "my" else None
            if not cid or cid in ctx.exclude:
                cid = resolve_pronoun(ctx, {"his": "he", "her": "she", "my": "i"}[t[2]], t[0])
            return Tag(Ref(cid, "pronoun", t[0]), None, "thought", adjacent=True)
        hit = ctx.name_at.get(t[0])
        if hit is not None:
            return Tag(Ref(hit[1], hit[2], t[0]), None, "thought", adjacent=True)
    return None


def beat(ctx: Context, text: str, pieces: list[tuple[int, int]]) -> Ref | None:
    """The character a paragraph's narration starts a sentence with ("Anne smiled."): the
    subject of the sentence that leads into the first quotation if it has one ("Tony crept
    into the library. Brenda found him there. "..."" is Brenda's), else the first."""
    if text[pieces[0][0] : pieces[0][1]].strip():
        lead = local_beat(ctx, text, pieces[0])
        if lead is not None:
            return lead
    for s, e in pieces:
        toks = tokens(text, s, e)
        at_start = True
        for i, t in enumerate(toks):
            if at_start and t[2] not in SENTENCE_END and t[2] != ",":
                ref, _ = ref_at(ctx, toks, i)
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
        starts = not before or before[-1] in ",\u2014?!." or before.lower().endswith(("oh", "dear", "my dear"))
        ends = not after or after[0] in ",!?.\u2014;"
        if starts and ends and cid not in out:
            out.append(cid)
    return out


def written_context(toks: list[tuple[int, int, str]]) -> bool:
    return any(t[2] in WRITTEN_WORDS for t in toks)


def reading_lead(toks: list[tuple[int, int, str]]) -> bool:
    """A clause that hands over to a written text: "It read." / "The note said:" / "The
    card read simply" - a reading verb with a thing (not a person) as its subject."""
    verbs = [k for k, t in enumerate(toks) if t[2] in READING_LEADS]
    if not verbs:
        return False
    k = verbs[-1]
    if any(t[2].isalpha() and not t[2].endswith("ly") for t in toks[k + 1 :]):
        return False
    subject = toks[k - 1][2] if k else ""
    return subject in ("it", "which", "this", "that") or subject in DISPLAY_NOUNS or written_context(toks[:k])


def display_label(text: str, q: Quote, lead: list[tuple[int, int, str]]) -> bool:
    """ "the screen said "Mom,"": a name or a word or two that a screen or a sign shows is a
    label (speech `other`), not a line of the conversation."""
    verbs = [k for k, t in enumerate(lead) if t[2] in READING_LEADS]
    return bool(verbs) and verbs[-1] > 0 and lead[verbs[-1] - 1][2] in DISPLAY_NOUNS and len(
        text[q.start : q.end].split()
    ) <= 2


def reading_aside(toks: list[tuple[int, int, str]]) -> bool:
    """ "Jo read the note standing in the snow." before a paragraph that is nothing but a
    quotation: the quotation is the note's text."""
    words_ = {t[2] for t in toks}
    return bool(words_ & {"read", "reads", "reading"}) and written_context([t for t in toks if t[2] not in ("read", "reads", "reading")])


def find_writer(ctx: Context, offset: int) -> Ref | None:
    """Who wrote the note read at `offset`: the subject of the last verb of writing in the
    narration before it ("Tobin scribbled a note and left")."""
    text = ctx.doc.text
    toks = tokens(text, max(0, offset - WRITER_WINDOW), offset)
    for v in range(len(toks) - 1, -1, -1):
        if ctx.in_quote(toks[v][0]):
            continue
        if toks[v][2] in WRITTEN_NOUNS and v > 0 and toks[v - 1][2].endswith(("'s", "\u2019s")):
            hit = ctx.name_at.get(toks[v - 1][0])  # "Laurie's notes"
            if hit is not None:
                return Ref(hit[1], hit[2], toks[v - 1][0])
        if toks[v][2] not in WRITER_VERBS:
            continue
        for i in range(v - 1, max(-1, v - MAX_CLAUSE_TOKENS), -1):
            if is_sentence_end(toks, i):
                break
            if i > 0 and toks[i - 1][2] in OBJECT_PREPS:
                continue
            ref, _ = ref_at(ctx, toks, i)
            if ref is not None and ref.cid:
                return ref
        return None
    return None


def normalised(words_: str) -> str:
    """The words of a quotation, lower case, without punctuation: how an echo is recognised."""
    return " ".join(m.group(0).lower() for m in re.finditer(r"[A-Za-z']+", words_))


def echoed(ctx: Context, q: Quote, around: list[tuple[int, int, str]]) -> Quote | None:
    """The earlier quotation this one repeats, when the narration says it is recalled
    ("It echoed inside his head"): gold and readers give an echo its original speaker."""
    if not any(t[2] in ECHO_WORDS for t in around):
        return None
    key = normalised(ctx.doc.text[q.start : q.end])
    if len(key.split()) < 2:
        return None
    return ctx.said.get(key)


def references_before(ctx: Context, floor: int, offset: int) -> list[tuple[int, str]]:
    """(offset, character) of every name and resolved pronoun in the narration between
    `floor` and `offset`, nearest first."""
    refs = [(m[0], m[2]) for m in ctx.idx.between(floor, offset)]
    refs += [(s, cid) for s, cid in ctx.pronouns.items() if floor <= s < offset]
    return sorted(((s, cid) for s, cid in refs if not ctx.in_quote(s)), reverse=True)


def head_owner(ctx: Context, around: list[tuple[int, int, str]]) -> str | None:
    """Whose head words sound in: "inside his head" / "in Anne's mind"."""
    for k, t in enumerate(around[:-1]):
        if around[k + 1][2] not in HEAD_WORDS:
            continue
        if t[2] in ("his", "her"):
            return ctx.pronouns.get(t[0]) or resolve_pronoun(ctx, "he" if t[2] == "his" else "she", t[0])
        if t[2] == "my":
            return ctx.narrator
        hit = ctx.name_at.get(t[0])
        if hit is not None:
            return hit[1]
    return None


def unheard_echo(ctx: Context, q: Quote, around: list[tuple[int, int, str]], floor: int) -> Tag | None:
    """ "A mistake..." It echoed inside his head.: words recalled whose first saying was never
    quoted. They are someone else's: the character the narration just before is about,
    other than the one whose head they echo in ("Red couldn't look her in the eye.")."""
    if not any(t[2] in RECALL_VERBS for t in around):
        return None
    owner = head_owner(ctx, around)
    if owner is None:
        return None
    for s, cid in references_before(ctx, floor, q.start):
        if cid != owner:
            return Tag(Ref(cid, "pronoun" if s in ctx.pronouns else "name", s), None, "thought")
    return None


def absent_writer(ctx: Context, offset: int) -> Ref | None:
    """Who wrote a note that no verb of writing gives a writer: the owner of "his message",
    else ("She slipped the card open. ... "I'm sorry..." It read.") not its reader, the one
    the narration before the note is about, but the next character it refers to before
    that (the one she was looking for)."""
    toks = last_sentence(ctx.doc.text, max(0, offset - 300), offset - 1)
    for k, t in enumerate(toks[:-1]):
        if t[2] in ("his", "her") and toks[k + 1][2] in WRITTEN_NOUNS:  # "His message to his ally ran,"
            cid = ctx.pronouns.get(t[0]) or resolve_pronoun(ctx, "he" if t[2] == "his" else "she", t[0])
            return Ref(cid, "pronoun", t[0]) if cid else None
    refs = references_before(ctx, max(0, offset - WRITER_WINDOW), offset)
    if not refs:
        return None
    reader = refs[0][1]
    for s, cid in refs[1:]:
        if cid != reader:
            return Ref(cid, "pronoun" if s in ctx.pronouns else "name", s)
    return None


def attribute(
    doc: Document,
    ranker: Ranker | None | bool = True,
    collect: list[tuple[Quote, dict[str, list[float]]]] | None = None,
) -> None:
    """Set speaker, addressees, speech, type and confidence on every quotation.

    `ranker`: True for the shipped ranker (if any), False/None for rules alone, or a Ranker.
    `collect` serves training (evaluation/train.py): it records each untagged turn's candidates.
    """
    if not doc.quotes:
        return
    text = doc.text
    idx, pronouns = mention_index(doc)
    pronouns = attribution_pronouns(doc) or pronouns
    ctx = Context(
        doc,
        idx,
        pronouns,
        {c.id: c.gender for c in doc.characters},
        None if doc.narration.extra.get("frame_narrator") else doc.narration.narrator,
        doc.narration.focal_character if doc.narration.pov == "second" else None,
        [q.start for q in doc.quotes],
        [q.end for q in doc.quotes],
    )
    described = [m for m in idx.descriptions if text[m[0] : m[1]].split()[-1].lower() not in GENDERED_NOUNS]
    ctx.name_at = {s: (e, cid, kind) for s, e, cid, kind in described + idx.items}
    ctx.epithets = epithets(ctx)
    ctx.ranker = load_ranker() if ranker is True else (ranker or None)
    ctx.collect = collect
    ctx.mention_share = rank_weights(Counter(m[2] for m in idx.items))
    paras = doc.layers.get("paragraphs") or story_paragraphs(text, list(doc.story_regions()))
    para_starts = [p[0] for p in paras]
    by_para: dict[int, list[Quote]] = {}
    for q in doc.quotes:
        pi = q.extra.get("paragraph")
        if pi is None or pi >= len(paras) or not paras[pi][0] <= q.start <= paras[pi][1]:
            pi = max(0, bisect_right(para_starts, q.start) - 1)
        by_para.setdefault(pi, []).append(q)
    conversations: list[list[Turn]] = []
    turns: list[Turn] = []
    last_para = -10
    for pi in sorted(by_para):
        qs = by_para[pi]
        ps, pe = paras[pi] if pi < len(paras) else (qs[0].start - 1, qs[-1].end + 1)
        if pi - last_para > CONVERSATION_GAP + 1:
            turns = []
            conversations.append(turns)
        prev_tail = None
        if pi > 0:
            prev = by_para.get(pi - 1)
            tail_start = prev[-1].end + 1 if prev else paras[pi - 1][0]
            if tail_start < paras[pi - 1][1]:
                prev_tail = (tail_start, paras[pi - 1][1])
        last_para = pi
        turns.append(read_paragraph(ctx, qs, ps, pe, turns, prev_tail))
    ctx.speaker_share = rank_weights(Counter(t.speaker for conv in conversations for t in conv if t.speaker))
    ctx.idiolect = Idiolect.learn(
        (
            (q.speaker, text[q.start : q.end])
            for q in doc.quotes
            if q.speaker and q.extra.get("type") in ("explicit", "anaphoric")
        ),
        (text[q.start : q.end] for q in doc.quotes if q.speech != "other"),
    )
    for conv in conversations:
        fill_turns(ctx, conv)
        finish_turns(conv)
        ctx.before = [t.speaker for t in conv[-2:] if t.speaker]
    for q, original in ctx.echoes:
        set_speaker(q, original.speaker, "implicit", 0.6)
        q.speech = "thought"
        q.addressees = []


ATTRIBUTION_DECAY = (0.85, 0.3)
"""Sentence and paragraph decays of the pronoun reading the speakers stage weighs pronoun
tags with. The coref stage's own decays (0.5, 0.2) are tuned on LitBank's 2,000-word
excerpts, where a "she" mostly means the last woman named; across a novel's dialogue scenes
the one a run of "she"s follows is the one the scene is about, and a longer memory finds
her. PDNC, gold cast, 18 novels in sample with the shipped ranker: 0.8129 with the coref
stage's reading, 0.8156 with this one (0.8155 at (0.85, 0.4), 0.8143 at (0.7, 0.3),
0.8110 with no sentence decay); LitBank pronoun accuracy would fall from 0.728 to 0.698
with it, so the coref stage keeps its own."""


def attribution_pronouns(doc: Document) -> dict[int, str]:
    """Narration pronoun offset -> character, resolved with ATTRIBUTION_DECAY (empty when the
    document has no token layer: then the coref stage's mentions are used)."""
    toks = doc.layers.get("tokens")
    if toks is None or not doc.characters:
        return {}
    return resolve(doc, toks, *ATTRIBUTION_DECAY).by_offset


def introduces(text: str, q: Quote, piece: tuple[int, int]) -> bool:
    """Narration between two quotations that is one clause ending in `,` or `:` after a
    finished sentence ("...tenant?" Sir Thomas replied, "It is...") tags the next quotation,
    not this one. Several sentences of narration tag each side with their own clause."""
    body = text[q.start : q.end].rstrip()
    narration = text[piece[0] : piece[1]].rstrip()
    if not (body and body[-1] in ".!?" and narration[-1:] in (",", ":")):
        return False
    toks = tokens(text, *piece)
    return not any(is_sentence_end(toks, k) for k in range(len(toks) - 1))


def weaker_than_lead(
    ctx: Context, text: str, q: Quote, tag: Tag, left: list[tuple[int, int, str]]
) -> bool:
    """Whether the tag after a quotation yields to the clause that leads into it: a pronoun
    ("..." He broke off.) to a clause ending in `,` or `:` ("Callendar laughed, and said,
    "...""), the name being certain and the pronoun only resolved; a sound ("..." Red
    sighed) to a verb of saying right before the quotation ("he quietly replied "..."")."""
    if tag.speaker is None:
        return False
    if tag.speaker.kind == "pronoun" and text[max(0, q.start - 4) : q.start - 1].rstrip()[-1:] in (",", ":"):
        return True
    k = skip_adverbs_back(ctx, left, len(left) - 1)
    return tag.verb in NONVERBAL and k >= 0 and saying(left, k)


OBJECT_PRONOUNS = words("him her them me us you it myself himself herself themselves yourself ourselves one")


def voiced_tag(ctx: Context, toks: list[tuple[int, int, str]], after: bool) -> Tag | None:
    """A speech tag, unless its verb is denied ("but said nothing in return", "did not
    answer") or goes on with something else than words ("he continued to listen"): then
    the clause tags nobody."""
    tag = find_tag(ctx, toks, after)
    if tag is None or not tag.verb:
        return tag
    text = ctx.doc.text
    for k, t in enumerate(toks):
        if t[2] == tag.verb:
            denied = (k and denies(toks[k - 1][2])) or (k + 1 < len(toks) and toks[k + 1][2] == "nothing")
            nxt = toks[k + 2] if k + 2 < len(toks) and toks[k + 1][2] == "to" else None
            other_act = (
                t[2] in CONTINUE_VERBS
                and nxt is not None
                and text[nxt[0]].islower()
                and nxt[2] not in SPEECH_LEMMAS | DETERMINERS | OBJECT_PRONOUNS
            )
            return None if denied or other_act else tag
    return tag


def denies(word: str) -> bool:
    """ "did not (say)", "didn't", "never": the verb after it did not happen."""
    return word in ("not", "never") or word.endswith(("n't", "n\u2019t"))


def runs_into(text: str, q: Quote) -> bool:
    """Whether the narration runs straight into the quotation, no stop or comma between
    ("Red sounded a little shaky "can you..."): the quotation ends that sentence. Not after
    "by" or "from", which name where the words come from ("drawn up short by "..."")."""
    before = text[max(0, q.start - 40) : q.start - 1].rstrip()
    return before[-1:].isalnum() and not before.lower().endswith((" by", " from"))


def last_clause_subject(ctx: Context, toks: list[tuple[int, int, str]]) -> Ref | None:
    """The named subject of the last clause of a sentence, after a comma splice or "and"
    ("He asked sounding worried, Red tried to calm his breathing"): None when the last
    clause with a subject has a pronoun (find_tag reads those)."""
    for j in range(len(toks) - 1, -1, -1):
        if j and toks[j - 1][2] not in (",", ";", "and", "but"):
            continue
        ref, end = ref_at(ctx, toks, j)
        if ref is None or not ref.cid:
            continue
        k = skip_adverbs(ctx, toks, next((i for i in range(j, len(toks)) if toks[i][0] >= end), len(toks)))
        if k < len(toks) and (verb_like(toks[k][2]) or toks[k][2] in TAG_AUXILIARIES):
            return ref if ref.kind == "name" else None
    return None


def skip_adverbs_back(ctx: Context, toks: list[tuple[int, int, str]], k: int) -> int:
    """Back past adverbs and particles from token k ("replied quietly")."""
    while k >= 0 and (is_adverb(ctx, toks[k]) or toks[k][2] in FILLERS):
        k -= 1
    return k


def speaking_sentence(
    ctx: Context, text: str, head: tuple[int, int], prev_tail: tuple[int, int] | None
) -> Tag | None:
    """ "But at last she spoke. "Well..."" / "Mrs. Norris began scolding." then a paragraph of
    speech: a finished sentence just before a quotation that ends on a verb of saying."""
    if text[head[0] : head[1]].strip():
        toks = last_sentence(text, *head)
    elif prev_tail is not None and text[prev_tail[0] - 1 : prev_tail[0]] in ("", "\n"):
        toks = last_sentence(text, *prev_tail)  # a paragraph of narration only
    else:
        return None
    comma = next((k for k in range(len(toks) - 1, -1, -1) if toks[k][2] == ","), None)
    end = len(toks)
    if comma is not None and toks[comma + 1 : comma + 2] and toks[comma + 1][2].endswith("ing"):
        end = comma  # "Anne answered, lifting her head."
    k = end - 1
    while k >= 0 and (is_adverb(ctx, toks[k]) or toks[k][2] in FILLERS):
        k -= 1
    if k < 0 or toks[k][2] in NONVERBAL or not (
        toks[k][2] in TAG_VERB_FORMS or toks[k][2] in SPEECH_PARTICIPLES
    ):
        return None
    return find_tag(ctx, toks[: k + 1], after=False)


SUBORDINATORS = words("without after before when while as although though since once if because")


def local_beat(ctx: Context, text: str, piece: tuple[int, int]) -> Ref | None:
    """In a paragraph where the tagged quotations all come later, an untagged quotation after
    a sentence of narration belongs to that sentence's subject ("He scrolled through the
    contacts; there was Harold, "..."", "Without noticing, he furrowed his brows; "...""),
    not to the first tagged quotation. A leading subordinate clause is read past."""
    toks = tokens(text, piece[0], piece[1])
    if not toks:
        return None
    ends = (".", "!", "?", "...", "\u2026")
    k = max((i + 1 for i, t in enumerate(toks[:-1]) if t[2] in ends), default=0)  # last sentence
    if toks[k][2] in SUBORDINATORS:
        comma = next((j for j in range(k, len(toks)) if toks[j][2] == ","), None)
        if comma is None:
            return None
        k = comma + 1
    while k < len(toks) and toks[k][2] in ("then", "but", "and", "so", "finally", "still", ","):
        k += 1
    if k >= len(toks):
        return None
    ref, _ = ref_at(ctx, toks, k)
    if ref is None or not ref.cid or k + 1 >= len(toks) or not verb_like(toks[k + 1][2]):
        return None
    return ref


def lead_beat(ctx: Context, toks: list[tuple[int, int, str]]) -> Tag | None:
    """A sentence that leads into the quotation with ';' or ':' and no verb of saying ("Mara
    shook her head: "..."" / "he frowned; "...""): its subject speaks."""
    k = 0
    while k < len(toks) and toks[k][2] in ("then", "but", "and", "so", "finally", ","):
        k += 1
    if k < len(toks) and toks[k][2] in LEAD_PREPOSITIONS:
        k = past_lead_phrase(ctx, toks, k)  # "With a sigh Mara shook her head:"
    if k >= len(toks):
        return None
    ref, _ = ref_at(ctx, toks, k)
    if ref is None or not ref.cid:
        return None
    return Tag(ref)


LEAD_PREPOSITIONS = words("with after before at in on without despite for from under over by")


def past_lead_phrase(ctx: Context, toks: list[tuple[int, int, str]], k: int) -> int:
    """The index of the first character reference after a short leading phrase ("With a sigh",
    "After a while,"), or len(toks) when a verb or a long phrase comes first."""
    for j in range(k + 1, min(len(toks), k + 6)):
        if toks[j][2] == ",":
            continue
        if toks[j][0] in ctx.name_at or toks[j][2] in SUBJECTS:
            return j
        if verb_like(toks[j][2]):
            break
    return len(toks)


def tagged_after(ctx: Context, text: str, piece: tuple[int, int]) -> bool:
    """Whether a quotation is tagged by the narration right after it ("..." he asked): then
    the narration before it ("..." He said calmly, "...") tags the quotation before."""
    toks = clause_after(text, piece[0], piece[1])
    if not toks:
        return False
    if toks[0][2] in TAG_VERB_FORMS:
        return True
    ref, end = ref_at(ctx, toks, 0)
    if ref is None:
        return False
    k = skip_adverbs(ctx, toks, next((j for j, t in enumerate(toks) if t[0] >= end), len(toks)))
    return k < len(toks) and toks[k][2] in TAG_VERB_FORMS


def resumes(text: str, before: Quote, piece: tuple[int, int]) -> bool:
    """ "You care," said a voice, "and you always have.": the second half of one utterance,
    broken by its tag (the first half ends with a comma, and so does the tag)."""
    body = text[before.start : before.end].rstrip()
    narration = text[piece[0] : piece[1]].rstrip()
    return body[-1:] in (",", "\u2014", "-") and narration[-1:] == ","


def introduces_next(text: str, tail: tuple[int, int]) -> bool:
    """A paragraph of narration that leads into the next one's speech ("Edmund began--")."""
    end = text[max(tail[0], tail[1] - 12) : tail[1]].rstrip()
    return end[-1:] in (":", ",", "—", "-") or end[-1:] not in (".", "!", "?", '"', "”", ")")


def trails_off(body: str) -> bool:
    """Words that trail off ("she'd never understand me...") are speech or thought, never a
    term or a title, even inside a sentence of narration."""
    return len(body.split()) >= 2 and body.rstrip().endswith("..")


def rank_weights(counts: Counter[str]) -> dict[str, float]:
    """1 for the most frequent, 1/2 for the next...: how prominent a character is, the same
    on a one-page story and a novel."""
    return {cid: 1.0 / (1 + rank) for rank, (cid, _n) in enumerate(counts.most_common())}


def read_paragraph(
    ctx: Context,
    qs: list[Quote],
    ps: int,
    pe: int,
    turns: list[Turn],
    prev_tail: tuple[int, int] | None = None,
) -> Turn:
    """One paragraph's quotations as a turn: speakers from tags, the paragraph's other tags
    and its action beat. Untagged turns are left for `fill_turns`."""
    text = ctx.doc.text
    bounds = [ps] + [x for q in qs for x in (q.start - 1, q.end + 1)] + [pe]
    pieces = [(bounds[2 * i], bounds[2 * i + 1]) for i in range(len(qs) + 1)]
    tags: list[Tag | None] = []
    ctx.turns = turns
    ctx.para_start = ps
    turn = Turn(qs, ps, pe)
    for i, q in enumerate(qs):
        if q.speech == "other" and (
            trails_off(text[q.start : q.end])
            or (i and qs[i - 1].speech != "other" and resumes(text, qs[i - 1], pieces[i]))
        ):
            q.speech = "spoken"  # '"The car," said Giles, "did not start."': the rest of the line
        voc = vocatives(ctx, q)
        turn.vocatives.extend(v for v in voc if v not in turn.vocatives)
        ctx.exclude = set(voc)
        piece = pieces[i + 1]
        right = clause_after(text, q.end + 1, piece[1])
        left = clause_before(text, pieces[i][0], max(pieces[i][0], q.start - 1))
        own_lead = bool(text[pieces[i][0] : max(pieces[i][0], q.start - 1)].strip())
        if (
            i + 1 < len(qs)
            and introduces(text, q, piece)
            and not tagged_after(ctx, text, pieces[i + 2])
            and (not tagged_after(ctx, text, piece) or (own_lead and find_tag(ctx, left, after=False)))
        ):
            right = []  # '...before he answered "..." Red sighed, "please..."': Red's is the next
        reading = reading_lead(left or last_sentence(text, pieces[i][0], max(pieces[i][0], q.start - 1)))
        if i == 0 and not left and prev_tail is not None:
            if introduces_next(text, prev_tail):
                left = clause_before(text, prev_tail[0], prev_tail[1])
            lead = last_sentence(text, *prev_tail)
            reading = reading or reading_lead(lead)
            if not reading and len(qs) == 1 and q.start - 1 <= ps and q.end + 1 >= pe:
                reading = reading_aside(lead)
        ctx.quote_end = text[q.start : q.end].rstrip()[-1:]
        tag = inner_voice(ctx, left) or inner_voice(ctx, right) or voiced_tag(ctx, right, after=True)
        straight = last_clause_subject(ctx, left) if own_lead and left and runs_into(text, q) else None
        if straight is not None and (tag is None or tag.speaker is None or tag.speaker.kind == "pronoun"):
            tag = Tag(straight)
        elif left and (
            tag is None or (own_lead and not tags_before(tags, i, left) and weaker_than_lead(ctx, text, q, tag, left))
        ):
            tag = voiced_tag(ctx, left, after=False) or tag
        if tag is None and i == 0 and not left:
            tag = speaking_sentence(ctx, text, pieces[0], prev_tail)
        if tag is None and right and right[0][2] in ("it", "which") and reading_lead(right):
            tag = Tag(None, None, "written", adjacent=True)  # "..." It read.
            reading = True
        lead = text[max(ps, q.start - 4) : q.start - 1].rstrip()[-1:]
        colon = lead == ":"
        if tag is None and left and lead in (":", ";"):
            tag = lead_beat(ctx, left)
        if reading and left and display_label(text, q, left):
            tag = Tag(None, None, "other", adjacent=True)
        elif reading or (left and colon and written_context(left)):
            tag = tag or Tag(None, None, None)
            tag.speech = tag.speech or "written"
        if tag is not None and tag.speech == "written":
            writer = find_writer(ctx, q.start)
            if writer is None and reading and (tag.speaker is None or not tag.speaker.cid):
                writer = absent_writer(ctx, q.start)
            if writer is not None:
                tag.speaker = writer
        named = tag is not None and tag.speaker is not None and tag.speaker.kind == "name"
        original = None if named else echoed(ctx, q, left + right)  # "echoed Mrs. Archer": hers
        if original is not None:
            ctx.echoes.append((q, original))
            tag = Tag(None, None, "thought")
        else:
            tag = unheard_echo(ctx, q, left + right, ps) or tag
        key = normalised(text[q.start : q.end])
        if key:
            ctx.said.setdefault(key, q)
        if tag is None and i and tags[i - 1] is not None and resumes(text, qs[i - 1], pieces[i]):
            tag = tags[i - 1]
        if tag is not None and tag.speaker is not None and not tag.speaker.cid and turns:
            tag.speaker.cid = called_by_name(ctx, text, tag.speaker, turns[-1])
        if i and tag is not None and answers_self(tag, tags[i - 1]):
            tag.speaker = Ref(answerer(ctx, tags[:i], turns, tag.speaker), "pronoun", tag.speaker.start)
        tags.append(tag)
    ctx.exclude = set()
    ctx.verb = ""
    found = [
        (i, t.speaker) for i, t in enumerate(tags) if t is not None and t.speaker is not None and t.speaker.cid
    ]
    beat_ref = None if found else beat(ctx, text, pieces)
    spoken_last = next((q for q in reversed(qs) if q.speech != "other"), None)
    for i, q in enumerate(qs):
        tag = tags[i]
        q.addressees = list(vocatives(ctx, q))
        if tag is not None and (q.speech != "other" or tag.adjacent or leads_in(text, q, tag)):
            q.speech = tag.speech or "spoken"  # "Bye" she said: a short word, but said
        if tag is not None and tag.addressee and tag.addressee not in q.addressees:
            q.addressees.append(tag.addressee)
        if ctx.narrator and ctx.narrator not in q.addressees and to_me(text, pieces[i], pieces[i + 1]):
            q.addressees.append(ctx.narrator)
            if q is spoken_last:
                turn.addressed = [ctx.narrator]
        if tag is not None and tag.speaker is not None and tag.speaker.cid:
            kind = "explicit" if tag.speaker.kind == "name" else "anaphoric"
            set_speaker(q, tag.speaker.cid, kind, 0.9 if kind == "explicit" else 0.75)
        elif found and min(f[0] for f in found) > i and (local := local_beat(ctx, text, pieces[i])):
            found.append((i, local))
            set_speaker(q, local.cid, "implicit", 0.65)
        elif found:
            own = set(q.addressees)  # "Aram, can you...?" is not Aram's
            j, ref = min(found, key=lambda f: (f[1].cid in own, f[0] > i, abs(f[0] - i)))
            set_speaker(q, ref.cid, "implicit", 0.7)
        elif beat_ref is not None:
            set_speaker(q, beat_ref.cid, "implicit", 0.6)
    spoken = [q for q in qs if q.speech != "other"]
    if spoken and spoken[-1].speaker:
        turn.speaker = spoken[-1].speaker
        turn.first = spoken[0].speaker
    if spoken and not turn.addressed and not turn.vocatives:
        turn.addressed = put_on_the_spot(ctx, spoken[-1], turns)
    writer = signature(ctx, spoken[-1]) if spoken else None
    if writer is not None:
        sign_letter(ctx, turn, spoken[-1], writer, turns)
    turn.continues = bool(qs[0].extra.get("continues"))
    if prev_tail is not None and not turns:
        lead = lead_beat(ctx, last_sentence(text, *prev_tail))
        turn.lead = lead.speaker.cid if lead is not None and lead.speaker is not None else None
    if prev_tail is not None:
        turn.opened_by = last_subject(ctx, text, prev_tail)
    turn.spoken = bool(spoken)
    return turn


def leads_in(text: str, q: Quote, tag: Tag) -> bool:
    """Whether the tag's verb leads straight into the quotation, a few words at most between
    ("Mrs. Turton called out, "She's better,"", "uttered a rapid "I know.""): words said,
    however short, not a title or a scare quote ("She thought of "The Duke's Daughter"")."""
    if not tag.verb or tag.speaker is None:
        return False
    before = text[max(0, q.start - 40) : max(0, q.start - 1)].lower()
    at = before.rfind(tag.verb)
    between = before[at + len(tag.verb) :] if at >= 0 else ""
    return at >= 0 and len(between) <= 20 and not words(between) & OBJECT_PREPS  # not "thought of"


def last_subject(ctx: Context, text: str, tail: tuple[int, int]) -> str | None:
    """The first subject ("I", "he", "she" or a name opening a clause) of the last sentence
    of the narration `tail` that has one: who that narration was last about. None when that
    sentence also names someone else ("I laughed, while Blanche chattered")."""
    toks = tokens(text, max(tail[0], tail[1] - 600), tail[1])
    bounds = [0] + [i + 1 for i in range(len(toks)) if is_sentence_end(toks, i)] + [len(toks)]
    for a, b in reversed(list(zip(bounds, bounds[1:], strict=False))):
        for j in range(a, b):
            if toks[j][2] in SUBJECTS and toks[j][2] != "we" or (
                (j == a or toks[j - 1][2] in (",", ";", "and", "but")) and toks[j][0] in ctx.name_at
            ):
                ref, _ = ref_at(ctx, toks, j)
                if ref is not None and ref.cid:
                    named = {ctx.name_at[t[0]][1] for t in toks[a:b] if t[0] in ctx.name_at}
                    return ref.cid if named <= {ref.cid} else None
    return None


ANSWER_VERBS = words("answered answers replied replies responded responds rejoined retorted returned")


def answers_self(tag: Tag, before: Tag | None) -> bool:
    """ "..." Red asked. ... before he answered "...": a "he" that answers, resolved to the
    one who said the line just before in the same paragraph - nobody answers himself. (The
    same tag on both halves of an interrupted line is one speaker, not an answer.)"""
    return (
        tag.verb in ANSWER_VERBS
        and tag.speaker is not None
        and tag.speaker.kind == "pronoun"
        and before is not None
        and before.speaker is not None
        and bool(before.speaker.cid)
        and tag.speaker.cid == before.speaker.cid
        and tag.speaker.start != before.speaker.start
    )


def tags_before(tags: list[Tag | None], i: int, left: list[tuple[int, int, str]]) -> bool:
    """Whether the clause before quotation i already tagged quotation i - 1 ("Aram..." He
    said calmly, "What can I do?" he asked.): one clause tags one line, so it does not
    overrule this line's own tag."""
    before = tags[i - 1] if i else None
    if before is None or before.speaker is None or not before.adjacent or not left:
        return False
    return left[0][0] <= before.speaker.start <= left[-1][0]


def answerer(ctx: Context, before: list[Tag | None], turns: list[Turn], asked: Ref) -> str | None:
    """The other one of the exchange: the nearest earlier speaker of the paragraph, else of
    the conversation, who is not the one just answered and whose gender fits the pronoun."""
    gender = ctx.gender.get(asked.cid or "", "U")
    here = [t.speaker.cid for t in reversed(before) if t is not None and t.speaker is not None]
    earlier = [c for u in reversed(turns) for c in (u.speaker, u.first)]
    for cid in here + earlier:
        if cid and cid != asked.cid and ctx.gender.get(cid, "U") in (gender, "U"):
            return cid
    return asked.cid


REPORTING_VERBS = words("says said thinks thought reckons reckoned")


def put_on_the_spot(ctx: Context, q: Quote, turns: list[Turn]) -> list[str]:
    """ "Time's very relative. Nobby says." / "I never said that!": a line that ends by
    quoting someone of the scene puts that one on the spot, and they answer next (unless the
    line calls someone by name, who answers instead)."""
    text = ctx.doc.text
    toks = tokens(text, max(q.start, q.end - 40), q.end)
    while toks and toks[-1][2] in SENTENCE_END:
        toks.pop()
    if len(toks) < 2 or toks[-1][2] not in REPORTING_VERBS:
        return []
    hit = ctx.name_at.get(toks[-2][0])
    if hit is None or hit[0] > toks[-1][0] or (len(toks) > 2 and toks[-3][2] == "as"):
        return []  # "wait, as William says": a comparison, not a charge
    present = {t.speaker for t in turns} | set(recent_names(ctx, q.start))
    return [hit[1]] if hit[1] in present else []


def to_me(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    """ "and then, to me, "Okay."" / ""Okay," she said to me.": a line the first-person
    narrator is spoken to."""
    lead = tokens(text, max(before[0], before[1] - 30), before[1])
    while lead and lead[-1][2] in (",", ":", "\u2014", "--"):
        lead.pop()
    tail = clause_after(text, after[0], after[1])
    return [t[2] for t in lead[-2:]] == ["to", "me"] or any(
        a[2] == "to" and b[2] == "me" for a, b in zip(tail, tail[1:], strict=False)
    )


def called_by_name(ctx: Context, text: str, ref: Ref, before: Turn) -> str | None:
    """ "Lorelai! The towels!" / "..., Michel," she called back: a "he" or "she" that finds no
    one in the cast is the one the last turn called by name, when that one's gender fits."""
    gender = PRONOUN_GENDER.get(text[ref.start : ref.start + 3].strip().lower(), "")
    if ref.kind != "pronoun" or gender not in ("M", "F"):
        return None
    called = [v for v in before.vocatives if v != before.speaker and ctx.gender.get(v, "U") in (gender, "U")]
    return called[0] if len(called) == 1 else None


CLOSINGS = words("yours regards sincerely faithfully affectionately cordially respectfully")
SALUTATIONS = ("dear ", "dearest ", "my dear ", "to ")


def signature(ctx: Context, q: Quote) -> str | None:
    """The writer who signs a letter or a note quoted in full: a name right after a short
    closing that opens its sentence ("Yours in eternal wrath, D'Hoffryn." / "Regards to
    Halfrek. Anya." / "Love, Mom."), not a name said to someone ("Yours is a fine country,
    Honeychurch!")."""
    text = ctx.doc.text
    for s, e, cid, _k in reversed(ctx.idx.between(q.start, q.end)):
        if text[e : q.end].lstrip()[:1] not in (".", ""):
            continue
        head = tokens(text, max(q.start, s - 80), s)
        if not head or head[-1][2] not in (",", ".", "--", "\u2014"):
            continue
        for k in range(len(head) - 1, max(-1, len(head) - 8), -1):
            opens = is_sentence_end(head, k - 1) if k else head[0][0] - q.start < 3
            if opens and (head[k][2] in CLOSINGS or (head[k][2] == "love" and k + 2 == len(head))):
                return cid
    return None


def sign_letter(ctx: Context, turn: Turn, q: Quote, writer: str, turns: list[Turn]) -> None:
    """A signed letter read out paragraph by paragraph: the writer wrote this quotation and
    the bare quotations just before it, back to the one that opens with "Dear ...". A
    letter is written whoever reads it aloud."""
    text = ctx.doc.text
    set_speaker(q, writer, "implicit", 0.7)
    q.speech = "written"
    turn.speaker = turn.first = writer
    if text[q.start : q.end].lower().startswith(SALUTATIONS):
        return
    for before in reversed(turns):
        if len(before.quotes) != 1 or "type" in before.quotes[0].extra or before.speaker:
            return
        bq = before.quotes[0]
        if text[before.start : bq.start].strip(" \t\n\"\u201c") or text[bq.end : before.end].strip(" \t\n\"\u201d"):
            return
        set_speaker(bq, writer, "implicit", 0.7)
        bq.speech = "written"
        before.speaker = before.first = writer
        if text[bq.start : bq.end].lower().startswith(SALUTATIONS):
            return


def set_speaker(q: Quote, cid: str | None, kind: str, confidence: float) -> None:
    q.speaker = cid
    q.extra["type"] = kind
    q.extra["confidence"] = round(confidence, 2)


def fill_turns(ctx: Context, conv: list[Turn]) -> None:
    """Untagged turns of one conversation, decided together.

    Each untagged turn gets the rules' choice (`rule_choice`); with the shipped ranker, the
    ranker scores every candidate instead (`decide`). A turn's features depend on who spoke
    the turns before, so one wrong guess leads the next ones astray: the turns are read left
    to right keeping the BEAM likeliest sequences of guesses (summed log shares), and the
    conversation gets the best whole sequence rather than the best guess turn by turn.
    """
    live = [t for t in conv if t.spoken]
    anchored = [t.anchor for t in live]
    lead = conv[0].lead if conv else None
    after_narration = {id(conv[0])} | {id(u) for a, u in zip(conv, conv[1:], strict=False) if not a.spoken}
    open_ = [k for k, t in enumerate(live) if not t.speaker]
    beams: list[tuple[float, list[tuple[str | None, float]]]] = [(0.0, [])]
    for n, k in enumerate(open_):
        grown: list[tuple[float, list[tuple[str | None, float]]]] = []
        for score, picks in beams:
            for j, kk in enumerate(open_):
                live[kk].speaker = live[kk].first = picks[j][0] if j < n else None
            for cid, confidence, log_share in decide(ctx, live, k, anchored, lead, after_narration):
                grown.append((score + log_share, [*picks, (cid, confidence)]))
        grown.sort(key=lambda g: -g[0])
        beams = grown[:BEAM]
    picks = beams[0][1]
    for kk, (cid, confidence) in zip(open_, picks, strict=True):
        t = live[kk]
        t.speaker = t.first = cid
        for q in t.quotes:
            if q.speech != "other" and "type" not in q.extra:
                set_speaker(q, cid, "implicit", confidence)


def decide(
    ctx: Context,
    live: list[Turn],
    k: int,
    anchored: list[bool],
    lead: str | None,
    after_narration: set[int],
) -> list[tuple[str | None, float, float]]:
    """Who may speak untagged turn k, given the speakers now on the turns before it: (speaker,
    confidence, log share) for the BEAM likeliest, or the rules' one choice (log share 0).

    The ranker decides turns below RANKER_BELOW, keeping a name the last turn addressed
    unless it finds that one unlikely (KEEP_NAME_CUE)."""
    t = live[k]
    choice = rule_choice(ctx, live, k, id(t) in after_narration)
    if ctx.ranker is None and ctx.collect is None:
        return [(choice[0], choice[1], 0.0)]
    feats = candidate_features(ctx, live, k, choice, anchored, lead)
    if ctx.collect is not None and t.quotes:
        ctx.collect.append((t.quotes[0], feats))
    weak = choice[1] < RANKER_BELOW and not t.continues and not (ctx.narrator and choice[0] == ctx.narrator)
    shares = ctx.ranker.shares(feats) if ctx.ranker is not None and weak else {}
    if not shares or (choice[1] >= NAME_CUE and shares.get(choice[0] or "", 0.0) >= KEEP_NAME_CUE):
        return [(choice[0], choice[1], 0.0)]
    ranked = sorted(shares, key=shares.__getitem__, reverse=True)[:BEAM]
    return [(c, round(0.3 + 0.4 * shares[c], 2), math.log(max(shares[c], 1e-9))) for c in ranked]


def rule_choice(ctx: Context, live: list[Turn], k: int, after_narration: bool) -> tuple[str | None, float]:
    """The rules' speaker for untagged turn k, with their confidence. In order: a continued
    speech keeps its speaker; the name the last turn addressed ("Anne, come here." -> Anne
    answers); a first-person narrator when the narration just before was about them alone
    (`after_narration`: the turn opens the conversation or follows narration); the speaker
    two turns back when two alternate; the name the next turn addresses; the speaker two
    turns ahead; the conversation's other recent speaker; the nearest character named in
    the narration before."""
    t = live[k]
    prev = live[k - 1] if k >= 1 else None
    prev2 = live[k - 2] if k >= 2 else None
    nxt = live[k + 1] if k + 1 < len(live) else None
    nxt2 = live[k + 2] if k + 2 < len(live) else None
    narrated = (
        ctx.narrator is not None
        and after_narration
        and ctx.narrator in (t.lead, t.opened_by)
        and ctx.narrator not in t.vocatives
    )
    if t.continues and prev is not None and prev.speaker:
        return (prev.speaker, 0.7)
    if prev is not None and [v for v in prev.addressed or prev.vocatives if v != prev.speaker]:
        return ([v for v in prev.addressed or prev.vocatives if v != prev.speaker][0], 0.56)
    if narrated and k > 0:
        return (ctx.narrator, 0.56)  # narration between: "I picked up." / "Hi, Mom."
    if prev2 is not None and prev2.speaker and prev is not None and prev.speaker != prev2.speaker:
        return (prev2.speaker, 0.55)
    if nxt is not None and nxt.anchor and [v for v in nxt.vocatives if v != nxt.first]:
        return ([v for v in nxt.vocatives if v != nxt.first][0], 0.5)
    if nxt2 is not None and nxt2.anchor and nxt is not None and nxt.first != nxt2.first:
        return (nxt2.first, 0.51)
    if prev is not None and prev.speaker:
        other = next((u.speaker for u in reversed(live[:k]) if u.speaker and u.speaker != prev.speaker), None)
        if other:
            return (other, 0.4)
        if ctx.narrator and ctx.narrator != prev.speaker:
            return (ctx.narrator, 0.56)  # first person: the narrator answers
        return (nearest_other(ctx, t, prev.speaker), 0.3)
    if narrated:
        return (ctx.narrator, 0.56)  # "I kneel by his chair." / "A knife?": the narrator asks
    return (nearest_other(ctx, t, None), 0.3)


def recent_names(ctx: Context, offset: int, limit: int = 6) -> list[str]:
    """Distinct characters named in the narration before `offset`, nearest first."""
    return list(last_named(ctx, offset, limit))


def last_named(ctx: Context, offset: int, limit: int = 6) -> dict[str, int]:
    """Distinct characters named in the narration before `offset`, nearest first, each with
    the offset where it was last named."""
    out: dict[str, int] = {}
    j = ctx.idx.before(offset) - 1
    for _ in range(MAX_BACK_MENTIONS):
        if j < 0 or len(out) >= limit:
            break
        s, _e, cid, _k = ctx.idx.items[j]
        j -= 1
        if not ctx.in_quote(s) and cid not in out:
            out[cid] = s
    return out


def named_in(ctx: Context, turn: Turn | None) -> set[str]:
    """Characters named inside a turn's own words."""
    if turn is None:
        return set()
    return {m[2] for q in turn.quotes for m in ctx.idx.between(q.start, q.end)}


def candidate_features(
    ctx: Context,
    live: list[Turn],
    k: int,
    rule: tuple[str | None, float],
    anchored: list[bool],
    lead: str | None,
) -> dict[str, list[float]]:
    """Everyone who could speak turn k, each with the ranker's features (FEATURES order).

    `anchored[i]`: whether a tag or beat fixed turn i's speaker (not an earlier guess);
    `lead`: the subject of the narration that opened the conversation."""
    t = live[k]
    prev = [live[k - d] if k - d >= 0 else None for d in (1, 2, 3, 4)]
    prev_anchor = [k - d >= 0 and anchored[k - d] for d in (1, 2, 3, 4)]
    nxt = [live[k + d] if k + d < len(live) else None for d in (1, 2, 3, 4)]
    nxt_anchor = [k + d < len(live) and anchored[k + d] for d in (1, 2, 3, 4)]
    offset = t.quotes[0].start if t.quotes else t.start
    named = last_named(ctx, offset, limit=8)
    recent = list(named)
    in_para = [m[2] for m in ctx.idx.between(t.start, t.end) if not ctx.in_quote(m[0])]
    subject = None
    for s, _e, cid, _k in ctx.idx.between(t.start, t.end):
        if not ctx.in_quote(s) and sentence_initial(ctx.doc.text, s, t.start):
            subject = cid
            break
    earlier = live[:k]
    spoken = [u.speaker for u in earlier if u.speaker]
    last_spoke = {u.speaker: i for i, u in enumerate(earlier) if u.speaker}
    present = set(spoken) | {v for u in earlier for v in u.vocatives} | ({lead} if lead else set())
    prev_addressees = {a for q in prev[0].quotes for a in q.addressees} if prev[0] is not None else set()
    cands: list[str | None] = [rule[0], *(u.speaker for u in prev if u), *recent]
    for u in (prev[0], nxt[0]):
        if u is not None:
            cands.extend(u.vocatives)
    cands.extend(prev_addressees)
    cands.extend(u.first for u, a in zip(nxt, nxt_anchor, strict=True) if u is not None and a)
    cands.extend(spoken[-6:])
    cands.extend((lead, ctx.narrator))
    own_words = named_in(ctx, t)
    prev_words = named_in(ctx, prev[0])
    next_words = named_in(ctx, nxt[0])
    before_para = [m[2] for m in ctx.idx.between(max(0, t.start - 600), t.start) if not ctx.in_quote(m[0])]
    prev_speaker = prev[0].speaker if prev[0] is not None else None
    prev_gender = ctx.gender.get(prev_speaker or "", "U")
    prev_text = ctx.doc.text[prev[0].quotes[-1].start : prev[0].quotes[-1].end].rstrip() if prev[0] else ""
    length = sum(q.end - q.start for q in t.quotes)
    prev_narration = (
        {m[2] for m in ctx.idx.between(prev[0].start, prev[0].end) if not ctx.in_quote(m[0])} - {prev_speaker}
        if prev[0] is not None
        else set()
    )
    talkers, total_anchored, narrated = conversation_facts(ctx, live, anchored)
    partners = addressee_partners(live, k)
    cands.extend(partners)
    cands.extend(talkers)
    unique = [c for c in dict.fromkeys(cands) if c]
    shared = [
        float(min(k, 10)),
        float(k == 0),
        float(len(set(spoken))),
        float(prev_anchor[0]),
        float(prev_text.endswith("?")),
        float(len(unique)),
        log_scale(length),
    ]
    sound = sounds_like(ctx, t, unique)
    n_words = len(words_of(ctx, t))
    out: dict[str, list[float]] = {}
    for c in unique:
        rank = recent.index(c) if c in recent else len(recent) + 2
        rival = max((v for o, v in sound.items() if o != c), default=0.0)
        recency = 1.0 / (1 + rank)
        gender = ctx.gender.get(c, "U")
        same_gender = 0.0 if "U" in (gender, prev_gender) else (1.0 if gender == prev_gender else -1.0)
        since = offset - named[c] if c in named else 100_000
        out[c] = [
            float(c == rule[0]),
            rule[1] if c == rule[0] else 0.0,
            *(float(u is not None and c == u.speaker) for u in prev),
            *(float(u is not None and a and c == u.speaker) for u, a in zip(prev, prev_anchor, strict=True)),
            *(float(u is not None and a and c == u.first) for u, a in zip(nxt, nxt_anchor, strict=True)),
            1.0 / (k - last_spoke[c]) if c in last_spoke else 0.0,
            float(min(spoken.count(c), 10)),
            spoken.count(c) / len(spoken) if spoken else 0.0,
            float(prev[1] is not None and c == prev[1].speaker and prev_speaker not in (None, c)),
            float(prev[1] is not None and c == prev[1].speaker and prev_anchor[0] and prev_speaker != c),
            float(c in present),
            float(k == 0 and c in ctx.before),
            float(prev[0] is not None and c in prev[0].vocatives),
            float(c in prev_addressees),
            float(c in t.vocatives),
            float(nxt[0] is not None and c in nxt[0].vocatives),
            float(nxt[1] is not None and c in nxt[1].vocatives),
            float(c in prev_words),
            float(c in next_words),
            float(c in own_words),
            float(c in in_para),
            float(c == subject),
            float(c == lead),
            recency,
            log_scale(since / 100),
            float(c in before_para),
            recency * (k == 0),
            recency * (prev[0] is None or not prev_speaker),
            same_gender,
            float(c in prev_narration),
            log_scale(talkers.get(c, 0)),
            talkers.get(c, 0) / total_anchored if total_anchored else 0.0,
            float(c in narrated),
            float(c in partners),
            ctx.mention_share.get(c, 0.0),
            ctx.speaker_share.get(c, 0.0),
            float(c == ctx.narrator),
            max(-15.0, min(15.0, sound[c])),
            max(-15.0, min(15.0, sound[c] - rival)),
            (sound[c] - rival) / math.sqrt(1 + n_words),
            *shared,
        ]
    return out


def words_of(ctx: Context, t: Turn) -> list[str]:
    """The words of a turn's quotations (cached per turn: the beam asks again and again)."""
    if t.start not in ctx.turn_words:
        ctx.turn_words[t.start] = [w for q in t.quotes for w in line_words(ctx.doc.text[q.start : q.end])]
    return ctx.turn_words[t.start]


def sounds_like(ctx: Context, t: Turn, candidates: list[str]) -> dict[str, float]:
    """Each candidate's idiolect log ratio for the turn's words (cached per turn)."""
    out: dict[str, float] = {}
    for c in candidates:
        key = (t.start, c)
        if key not in ctx.sounds_like:
            ctx.sounds_like[key] = ctx.idiolect.log_ratio(c, words_of(ctx, t))
        out[c] = ctx.sounds_like[key]
    return out


def addressee_partners(live: list[Turn], k: int) -> set[str]:
    """Who was talking with the person turn k calls by name, the last time that person
    spoke: "That's all right, Tony." comes from Tony's partner in the exchange."""
    out: set[str] = set()
    for v in live[k].vocatives:
        j = next((i for i in range(k - 1, -1, -1) if live[i].speaker == v), None)
        if j is None:
            continue
        for i in (j - 1, j + 1):
            if 0 <= i < k and live[i].speaker and live[i].speaker != v:
                out.add(live[i].speaker)  # type: ignore[arg-type]
    return out


def conversation_facts(
    ctx: Context, live: list[Turn], anchored: list[bool]
) -> tuple[Counter[str], int, set[str]]:
    """Who a tag or beat makes speak anywhere in the conversation (turns before and after),
    how many such turns there are, and who its narration names: a three-way talk is told
    by its tagged turns. Computed once per conversation."""
    key = (id(live[0]), len(live)) if live else (0, 0)
    if ctx.conversation[0] != key:
        talkers = Counter(
            who for u, a in zip(live, anchored, strict=True) if a and (who := u.first or u.speaker)
        )
        narrated = (
            {m[2] for m in ctx.idx.between(live[0].start, live[-1].end) if not ctx.in_quote(m[0])}
            if live
            else set()
        )
        ctx.conversation = (key, (talkers, sum(talkers.values()), narrated))
    return ctx.conversation[1]


def nearest_other(ctx: Context, t: Turn, last: str | None) -> str | None:
    """The character named last in the narration before this turn, other than `last`."""
    j = ctx.idx.before(t.quotes[0].start) - 1
    for _ in range(MAX_BACK_MENTIONS):
        if j < 0:
            break
        s, _e, cid, _k = ctx.idx.items[j]
        j -= 1
        if not ctx.in_quote(s) and cid != last:
            return cid
    return None


def finish_turns(conv: list[Turn]) -> None:
    """Addressees where no vocative or "said to" named one: the neighbouring turn's speaker;
    `other` quotations have neither speaker nor addressees."""
    live = [t for t in conv if t.spoken]
    for k, t in enumerate(live):
        for q in t.quotes:
            if q.speech == "other":
                set_speaker(q, None, "implicit", 0.5)
                q.addressees = []
                continue
            if "type" not in q.extra:
                set_speaker(q, q.speaker, "implicit", 0.3)
            if not q.addressees and q.speech == "spoken":
                for u in (live[k - 1] if k else None, live[k + 1] if k + 1 < len(live) else None):
                    if u is not None and u.speaker and u.speaker != q.speaker:
                        q.addressees = [u.speaker]
                        break
            q.addressees = [a for a in q.addressees if a != q.speaker]
    for t in conv:
        if not t.spoken:
            for q in t.quotes:
                set_speaker(q, None, "implicit", 0.5)
                q.addressees = []


@stage("speakers", requires=("quotes", "characters", "coref"), provides=("speakers",))
def speakers_stage(doc: Document, config: Config) -> None:
    attribute(doc)
