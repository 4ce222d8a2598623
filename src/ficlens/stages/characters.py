"""The `characters` stage: who the story names, which names belong together, and each one's gender.

SpaCy's NER is noisy on fan fiction, so a name is accepted on combined evidence gathered in one
pass over the tokens: PERSON entities, honorifics ("Mr. Reddington"), subjects of speech verbs,
possessives, vocatives inside quotes, and how often the word is written in lower case elsewhere
(the colour "red" vs the man "Red"). Names are then clustered the way a reader does it: full
names anchor first names, surnames and titled forms; nicknames join their formal names (the
`nicknames` package); a short form that starts a known name joins it ("Red" -> "Reddington");
a name used only in dialogue that fills the gap of a main character's name (first name only vs
surname only) joins that character. Each step only ever looks at distinct name strings, so the
stage stays linear in the number of tokens.

With a cast given (`--cast`, `Config(cast=...)`) its names and aliases are found as the story
writes them (descriptions like "the policeman" in lower case, "Mr" without its dot, "van der"
in any case, accents or not), each alias lends its first name and surname to the character,
and a name found outside the cast stays a character only on evidence of a person.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from ficlens.cast import split_gender
from ficlens.document import Character, Document, Mention
from ficlens.names import (
    FEMALE_PRONOUNS,
    FIRST_NAME_TITLES,
    FIRST_PERSON,
    KIN_NAMES,
    MALE_PRONOUNS,
    NON_PERSON_LABELS,
    NOT_NAMES,
    OATH_OPENERS,
    OATHS,
    PERSON_LABELS,
    READER_INSERT,
    SPEECH_VERBS,
    TITLES,
    QuoteIndex,
    first_name_gender,
    fold,
    is_known_first_name,
    is_title,
    name_family,
    quote_spans,
    rank_of,
    slug,
    title_key,
    word_set,
)
from ficlens.pipeline import Config, stage
from ficlens.stages.tokens import Tokens

CONNECTORS = frozenset({"of", "de", "van", "von", "da", "du", "del", "della", "di", "le", "la"})
POSSESSIVES = frozenset({"my", "his", "her", "your", "our", "their"})
DETERMINERS = POSSESSIVES | {"the", "a", "an"}
PLACE_PREPS = frozenset({"in", "from", "near", "inside", "outside", "into", "across", "through"})
OPENERS = frozenset({'"', "\u201c", "\u201d", "(", "[", "'", "\u2018", "*", "_", "-", "\u2014"})
SENT_END = frozenset({".", "!", "?", "...", "\u2026", ";", ":"})
VOCATIVE_NEXT = frozenset({",", "!", "?", ".", "...", "\u2026", "\u2014", "-", "--", ";"})
VOCATIVE_PREV = frozenset({",", "\u2014", "-", "oh", "dear", "please", "no", "yes"})
MARRIED = frozenset({"mrs", "madame", "mme", "frau", "senora", "signora"})
UNMARRIED = frozenset({"miss", "mademoiselle", "mlle", "fraulein"})
# Words that are never a name alone (months) but are surnames after a title or a first name.
SURNAME_WORDS = frozenset({"march", "may", "june", "april", "august"})
# Kinship titles: "Aunt March" is a relative of the Marches, never the March already named.
KIN_TITLES = frozenset({"aunt", "uncle", "grandma", "grandpa", "granny", "cousin"})
# Last words that make a capitalised phrase a place or a building ("Toad Hall", "Baker Street").
PLACE_NOUNS = word_set(
    """hall manor house street road avenue park castle abbey court tower towers palace cottage
    farm inn lodge church chapel school college bridge station hill forest woods river lake
    island mountain square gardens"""
)
# Nouns for a person that stand before a name in apposition ("his boy Portly", "my friend Ann").
PERSON_NOUNS = word_set(
    """boy girl son daughter wife husband brother sister friend cousin nephew niece uncle aunt
    father mother grandson granddaughter mate partner fiance fiancee sweetheart"""
)
SUBJECT_PRONOUNS = {"he": "M", "his": "M", "himself": "M", "she": "F", "herself": "F"}
# Words of address: a quote opening "Technically, sir" addresses "sir", so the word before it
# is no vocative.
ADDRESS_WORDS = word_set(
    """sir ma'am maam madam miss love dear darling honey sweetheart mate boss kid son lad lass
    babe baby man dude guys"""
)
# Relative pronouns that follow a person, never a place or a thing ("Paris, who never ...").
PERSON_RELATIVES = frozenset({"who", "whom", "whose"})


@dataclass
class Form:
    """One distinct naming string and the evidence gathered at its occurrences."""

    text: str
    title: str | None
    parts: list[str]
    spans: list[tuple[int, int]] = field(default_factory=list)
    descriptive: bool = False
    person_ents: int = 0
    other_ents: int = 0
    speech: int = 0
    possessive: int = 0
    vocative: int = 0
    subject: int = 0
    place: int = 0
    mid: int = 0
    propn: int = 0
    in_quote: int = 0
    determined: int = 0
    possessed: int = 0
    he: int = 0
    she: int = 0
    cast: int | None = None
    sents: set[int] = field(default_factory=set)
    appositive: int = 0
    relative: int = 0
    """Followed by ", who"/", whose": a person, where a place or a thing takes "which"."""
    bare_title: bool = False
    """A title used alone as a name ("the Inspector"); it only ever joins a titled character."""

    @property
    def count(self) -> int:
        return len(self.spans)

    @property
    def in_narration(self) -> int:
        return self.count - self.in_quote

    @property
    def title_gender(self) -> str:
        """The gender a title ("Mrs.") or a parent's name ("Mom") tells."""
        if self.title:
            return TITLES.get(title_key(self.title), "U")
        return KIN_NAMES.get(self.text.lower(), "U") if len(self.parts) == 1 else "U"

    @property
    def gender_hint(self) -> str:
        """The title's gender, else the he/she that follows this form in narration."""
        g = self.title_gender
        if g != "U":
            return g
        if self.he >= 2 and self.he >= 3 * self.she:
            return "M"
        if self.she >= 2 and self.she >= 3 * self.he:
            return "F"
        return "U"


@dataclass
class Cluster:
    """A character under construction: its forms and which parts of a name it has."""

    forms: list[Form] = field(default_factory=list)
    firsts: set[str] = field(default_factory=set)
    lasts: set[str] = field(default_factory=set)
    """Surnames, folded (`fold`) so that matching is a set lookup."""
    cast_name: str | None = None
    cast_gender: str | None = None
    """The gender the cast gives (`Name [F]`), which outranks any evidence in the text."""
    cast_aliases: list[str] = field(default_factory=list)
    alive: bool = True

    @property
    def count(self) -> int:
        return sum(f.count for f in self.forms)

    @property
    def narration_count(self) -> int:
        return sum(f.in_narration for f in self.forms)

    @property
    def descriptive(self) -> bool:
        return bool(self.forms) and all(f.descriptive for f in self.forms) and not self.cast_name

    def families(self) -> set[str]:
        out: set[str] = set()
        for f in self.firsts:
            out |= name_family(f)
        return out

    def gender_votes(self) -> tuple[float, float]:
        m = fm = 0.0
        for f in self.forms:
            tg = f.title_gender
            if tg == "M":
                m += 3 * f.count
            elif tg == "F":
                fm += 3 * f.count
            m += f.he
            fm += f.she
        for first in self.firsts:
            g, conf = first_name_gender(first)
            if g == "M":
                m += 2 * conf
            elif g == "F":
                fm += 2 * conf
        return m, fm

    def gender(self) -> str:
        if self.cast_gender:
            return self.cast_gender
        m, fm = self.gender_votes()
        if m > 1.5 * fm and m >= 1:
            return "M"
        if fm > 1.5 * m and fm >= 1:
            return "F"
        return "U"

    def absorb(self, other: Cluster) -> None:
        if other is self:
            return
        self.forms.extend(other.forms)
        self.firsts |= other.firsts
        self.lasts |= other.lasts
        self.cast_name = self.cast_name or other.cast_name
        self.cast_gender = self.cast_gender or other.cast_gender
        self.cast_aliases.extend(other.cast_aliases)
        other.forms = []
        other.alive = False


def compatible(a: str, b: str) -> bool:
    return a == "U" or b == "U" or a == b


def is_cap_word(t: str) -> bool:
    if not t[:1].isupper():
        return False
    core = t.replace("-", "").replace("'", "").replace("\u2019", "").replace(".", "")
    if not core.isalpha():
        return False
    return not (len(core) > 2 and core.isupper())


def simple_tokens(doc: Document) -> Tokens:
    """A regex tokenization of the story when spaCy is switched off (no tags, no entities)."""
    toks = Tokens()
    pattern = re.compile(r"\w+(?:['\u2019.]\w+)*\.?|[^\w\s]")
    for rs, re_ in doc.story_regions():
        prev_end = "."
        for m in pattern.finditer(doc.text, rs, re_):
            t = m.group()
            if t.endswith(".") and len(t) > 1 and not is_title(t):
                toks.start.append(m.start())
                toks.end.append(m.end() - 1)
                toks.tag.append("")
                toks.pos.append("")
                toks.lemma.append(t[:-1].lower())
                toks.sent_start.append(1 if prev_end in SENT_END else 0)
                t, prev_end = ".", t[:-1]
                toks.start.append(m.end() - 1)
                toks.end.append(m.end())
            else:
                toks.start.append(m.start())
                toks.end.append(m.end())
            toks.tag.append("")
            toks.pos.append("")
            toks.lemma.append(t.lower())
            toks.sent_start.append(1 if prev_end in SENT_END else 0)
            prev_end = t
    return toks


def token_ent_labels(toks: Tokens) -> list[str]:
    """Entity label of each token ('' outside entities), by one merge walk."""
    labels = [""] * len(toks)
    j = 0
    ents = toks.ents
    for i in range(len(toks)):
        s = toks.start[i]
        while j < len(ents) and ents[j][1] <= s:
            j += 1
        if j < len(ents) and ents[j][0] <= s < ents[j][1]:
            labels[i] = ents[j][2]
    return labels


class Extractor:
    """One pass over the tokens collecting candidate naming strings and their evidence."""

    def __init__(self, doc: Document, toks: Tokens, quotes: QuoteIndex):
        self.doc = doc
        self.toks = toks
        self.quotes = quotes
        self.words = [doc.text[toks.start[i] : toks.end[i]] for i in range(len(toks))]
        self.lower = [w.strip("-'\u2019").lower() or w for w in self.words]
        self.labels = token_ent_labels(toks)
        self.lower_vocab = Counter(w for w in self.words if w.islower())
        self.forms: dict[str, Form] = {}
        self.sent_of = list(accumulate(int(self.sentence_initial(i)) for i in range(len(toks))))

    def pronoun_mass(self) -> dict[str, int]:
        """How many he/him, she/her and I/me words the narration has ("M", "F", "I")."""
        out = {"M": 0, "F": 0, "I": 0}
        for i, w in enumerate(self.lower):
            g = (
                "M"
                if w in MALE_PRONOUNS
                else "F"
                if w in FEMALE_PRONOUNS
                else "I"
                if w in FIRST_PERSON
                else None
            )
            if g and not self.quotes.inside(self.toks.start[i]):
                out[g] += 1
        return out

    def sentence_initial(self, i: int) -> bool:
        if i == 0 or self.toks.sent_start[i]:
            return True
        prev = self.words[i - 1]
        if prev in SENT_END or prev in OPENERS:
            return True
        return "\n" in self.doc.text[self.toks.end[i - 1] : self.toks.start[i]]

    def run(self) -> dict[str, Form]:
        words, n = self.words, len(self.words)
        i = 0
        while i < n:
            w = words[i]
            if not (is_cap_word(w) or is_title(w)):
                i += 1
                continue
            j = i
            while j < n:
                wj = words[j]
                joins = (
                    self.lower[j] in CONNECTORS
                    and j > i
                    and j + 1 < n
                    and is_cap_word(words[j + 1])
                    and self.lower[j + 1] not in NOT_NAMES
                )
                if j > i and is_title(wj) and not is_title(words[j - 1]):
                    break  # "Whereat Mrs. Rachel": a title starts a new name
                if is_cap_word(wj) or (is_title(wj) and j == i) or joins:
                    j += 1
                else:
                    break
            self.add_run(i, j)
            i = max(j, i + 1)
        return self.forms

    def add_run(self, i: int, j: int) -> None:
        words, lower = self.words, self.lower
        if lower[j - 1] in OATHS and (j - i == 1 or lower[i] in OATH_OPENERS):
            return
        start = i
        while start < j and not is_title(words[start]):
            first = words[start]
            drop = lower[start] in NOT_NAMES or lower[start] in CONNECTORS
            if not drop and self.sentence_initial(start) and start + 1 < j:
                low = self.lower_vocab.get(lower[start], 0)
                person = self.labels[start] in PERSON_LABELS
                tag = self.toks.tag[start]
                drop = low >= 3 or (low > 0 and not person) or (bool(tag) and not tag.startswith("NNP"))
            if not drop and len(first) == 1:
                drop = True
            if not drop:
                break
            start += 1
        end = j
        while end > start and (lower[end - 1] in NOT_NAMES or lower[end - 1] in CONNECTORS):
            if is_title(words[end - 1]) and end - 1 == start:
                break
            if lower[end - 1] in SURNAME_WORDS and end - 1 > start and end - start == 2:
                head = words[end - 2]
                if is_title(head) or first_name_gender(head)[1] >= 0.6:
                    break  # "Aunt March", "Josephine March": a surname, not the month
            end -= 1
        if end <= start:
            return
        of = next((k for k in range(start + 1, end) if lower[k] == "of"), None)
        if of is not None and (is_title(words[start]) or of - start >= 2):
            end = of  # "Captain Wentworth of Uppercross" names Captain Wentworth
        title = words[start] if is_title(words[start]) else None
        name_at = start + 1 if title else start
        while title and name_at < end and is_title(words[name_at]):
            name_at += 1  # "Detective Inspector Thomas Okafor": the name starts after every title
        name_words = words[name_at:end]
        if not name_words:
            if title and name_at - start == 1:
                self.add_bare_title(start)
            return
        surname = title and len(name_words) == 1 and name_words[0].lower() in SURNAME_WORDS
        if all(w.lower() in NOT_NAMES for w in name_words) and not surname:
            return
        parts = [w for w in name_words if w.lower() not in CONNECTORS]
        s, e = self.toks.start[start], self.toks.end[end - 1]
        while e > s and self.doc.text[e - 1] in "-\u2014":
            e -= 1
        text = " ".join(self.doc.text[s:e].split())
        parts = [p.rstrip("-\u2014") for p in parts]
        form = self.forms.get(text)
        if form is None:
            form = self.forms[text] = Form(text=text, title=title, parts=parts)
        form.spans.append((s, e))
        form.sents.add(self.sent_of[start])
        self.collect(form, start, end)

    def add_bare_title(self, i: int) -> None:
        """A title standing alone as a name ("said the Inspector", "Inspector, ..."): kept as a
        form only where it is capitalised mid-sentence, so it can join the one titled character."""
        if self.sentence_initial(i) and not self.quotes.inside(self.toks.start[i]):
            return
        text = self.words[i].rstrip(".")
        form = self.forms.get(text)
        if form is None:
            form = self.forms[text] = Form(text=text, title=None, parts=[text], bare_title=True)
        form.spans.append((self.toks.start[i], self.toks.start[i] + len(text)))
        form.sents.add(self.sent_of[i])
        self.collect(form, i, i + 1)

    def collect(self, form: Form, start: int, end: int) -> None:
        lower, n = self.lower, len(self.words)
        s = self.toks.start[start]
        quoted = self.quotes.inside(s)
        form.in_quote += quoted
        labels = {self.labels[k] for k in range(start, end)}
        if labels & PERSON_LABELS:
            form.person_ents += 1
        elif labels & NON_PERSON_LABELS:
            form.other_ents += 1
        prev = lower[start - 1] if start > 0 else ""
        nxt = lower[end] if end < n else ""
        if not self.sentence_initial(start):
            form.mid += 1
        if any(self.toks.tag[k] in ("NNP", "NNPS") for k in range(start, end)):
            form.propn += 1
        if prev in DETERMINERS:
            form.determined += 1
            form.possessed += prev in POSSESSIVES
        if prev in PLACE_PREPS:
            form.place += 1
        if prev in PERSON_NOUNS and start > 1 and lower[start - 2] in DETERMINERS:
            form.appositive += 1
        if nxt == "," and end + 1 < n and lower[end + 1] in PERSON_RELATIVES:
            # only ", who": "a gentleman of Limehouse who ..." is the gentleman
            form.relative += 1
            if not quoted:
                self.pronoun_in_clause(form, end + 2)
        after_verb = nxt in VOCATIVE_NEXT or (nxt.endswith("ly") and len(nxt) > 3)
        if nxt in SPEECH_VERBS or (prev in SPEECH_VERBS and after_verb):
            form.speech += 1
        if end < n and self.words[end] in ("'s", "\u2019s", "'", "\u2019"):
            form.possessive += 1
        tag = self.toks.tag[end] if end < n else ""
        if tag.startswith("VB") or tag == "MD":
            form.subject += 1
        if quoted:
            closes = end >= n or not self.quotes.inside(self.toks.start[end])
            if nxt in VOCATIVE_NEXT or closes:
                opens = start == 0 or not self.quotes.inside(self.toks.start[start - 1])
                after_comma = prev == "," and nxt in (",", "!", "?")
                addressed = nxt == "," and end + 1 < n and lower[end + 1] in ADDRESS_WORDS
                if (opens or after_comma or prev in VOCATIVE_PREV) and not addressed:
                    form.vocative += 1
        elif tag.startswith("VB") or tag == "MD" or prev in (",", "and"):
            self.pronoun_after(form, end)

    def pronoun_in_clause(self, form: Form, k: int) -> None:
        """A his/her inside the relative clause after a name ("Paris, who never in her life")
        is the name's own."""
        for m in range(k, min(k + 15, len(self.words))):
            w = self.lower[m]
            if w in SENT_END or w == ",":
                return
            if w in MALE_PRONOUNS or w in FEMALE_PRONOUNS:
                if w in MALE_PRONOUNS:
                    form.he += 1
                else:
                    form.she += 1
                return

    def pronoun_after(self, form: Form, k: int) -> None:
        """The first he/she after a name in narration hints at the name's gender, unless
        another name, a "him" (someone else is in view) or a new paragraph comes first
        ("Angua looked at Nobby, and he ...")."""
        for m in range(k, min(k + 25, len(self.words))):
            w = self.lower[m]
            if m > k and "\n" in self.doc.text[self.toks.end[m - 1] : self.toks.start[m]]:
                return
            if w == "him" and not self.quotes.inside(self.toks.start[m]):
                return
            if (
                is_cap_word(self.words[m])
                and w not in NOT_NAMES
                and (
                    not self.sentence_initial(m)
                    or self.toks.tag[m].startswith("NNP")
                    or self.labels[m] in PERSON_LABELS
                )
                and not self.quotes.inside(self.toks.start[m])
            ):
                return
            if w in SUBJECT_PRONOUNS and not self.quotes.inside(self.toks.start[m]):
                if SUBJECT_PRONOUNS[w] == "M":
                    form.he += 1
                else:
                    form.she += 1
                return
            if w in ("i", "we", "they") and not self.quotes.inside(self.toks.start[m]):
                return


def accept(form: Form, lower_vocab: Counter[str], tagged: bool = True) -> bool:
    """Is this naming string a person? Weighs the evidence gathered at its occurrences.

    Without a tagger (spaCy off) capitalisation inside sentences stands in for NER.
    """
    if form.cast is not None:
        return True
    words = [p.lower() for p in form.parts]
    surname = bool(form.title) and bool(words) and words[0] in SURNAME_WORDS
    if not words or (all(w in NOT_NAMES for w in words) and not (surname or form.bare_title)):
        return False  # a bare title ("Captain") is a common word that may still name its holder
    if any(len(p) < 2 for p in form.parts) and len(form.parts) == 1:
        return False
    person = (
        form.person_ents
        + 2 * form.speech
        + form.possessive
        + 1.5 * form.vocative
        + 0.5 * form.subject
        + (3 * form.count if form.title else 0)
        + form.he
        + form.she
        + form.appositive
        + 2 * form.relative
    )
    if not tagged and not any(lower_vocab.get(w, 0) for w in words):
        person += 0.5 * form.count
    syntax = (
        form.speech
        + form.possessive
        + form.vocative
        + form.he
        + form.she
        + form.appositive
        + form.relative
    )
    if len(form.parts) >= 2 and not form.title and form.parts[-1].lower() in PLACE_NOUNS:
        return False  # "Toad Hall", "Baker Street": a place named after someone
    # spaCy calls many unfamiliar names places; a place is not followed by "he said"
    nonperson = (0.5 if syntax else 1.0) * form.other_ents + 2 * form.place
    if any(first_name_gender(p)[1] >= 0.6 for p in form.parts[:1]):
        nonperson *= 0.3  # NER often calls "Henrietta" a place; the name list knows better
    if nonperson > person:
        return False
    if form.bare_title:
        return True
    if (
        form.count == 1
        and form.vocative == 1
        and len(form.parts) == 1
        and form.parts[0].endswith("ed")
        and not is_known_first_name(form.parts[0])
    ):
        return False  # '"Twisted, I think."': a participle opening a quote, not a vocative  # kept only if it joins a character with this title (Clusterer.place_title)
    if (
        len(form.parts) >= 2
        and not form.title
        and person > 0
        and first_name_gender(form.parts[0])[1] >= 0.6
        and not lower_vocab.get(form.parts[-1].lower(), 0)
    ):
        return True  # "Margaret Ashby had run the Lamb": a known first name and a surname
    if form.title and form.determined * 2 > form.count:
        return False  # "the Admiral Benbow" is an inn, "the Queen Mary" a ship
    if form.descriptive:
        cues = person - form.person_ents
        if not epithet(form):
            return form.count >= 2 and cues >= 1.5  # "the Shlangenberg" needs more than NER
        return form.count >= 2 and form.mid >= 2 and (form.person_ents >= 3 or cues >= 1.5)
    if len(form.parts) == 1 and not form.title:
        low = lower_vocab.get(words[0], 0)
        if low > 2 * form.mid + 2 * form.speech + form.vocative:
            return False
        if words[0].endswith("s") and len(words[0]) > 3:
            low += lower_vocab.get(words[0][:-1], 0)  # "Bridges are ..." beside "the bridge"
        if form.mid == 0 and (low > 0 or (tagged and form.person_ents + form.propn == 0)):
            return False
    if person == form.person_ents and form.mid == 0 and tagged and len(form.parts) == 1:
        return False  # only ever first in its sentence, and only NER says it is a person
    if person == form.person_ents and form.count == 1 and len(form.parts) == 1 and not form.title:
        return is_known_first_name(form.parts[0])
    return person >= 1


def first_names_of_full_names(
    forms: dict[str, Form], accepted: list[Form], lower_vocab: Counter[str]
) -> list[Form]:
    """Once "Paris Geller" is a person, "Paris" alone is her first name, though a tagger calls
    it a city: a lone word that starts an accepted full name is a name too, unless the story
    writes it in lower case or mostly after a place preposition."""
    firsts = {f.parts[0] for f in accepted if len(f.parts) >= 2 and not f.title and not f.descriptive}
    taken = {id(f) for f in accepted}
    return [
        f
        for f in forms.values()
        if id(f) not in taken
        and f.spans
        and len(f.parts) == 1
        and not f.title
        and not f.descriptive
        and not f.bare_title
        and f.parts[0] in firsts
        and f.parts[0].lower() not in NOT_NAMES
        and not lower_vocab.get(f.parts[0].lower(), 0)
        and 2 * f.place < f.count
    ]


def epithet(form: Form) -> bool:
    """A capitalised noun owned by a speaker ("my Angel", "your Majesty") names a person."""
    return 2 * form.possessed > form.determined - form.possessed


def plural(form: Form, singular: set[str]) -> bool:
    """'the Miss Musgroves', 'the Smiths': a family or group, not one person."""
    last = form.parts[-1]
    return form.cast is None and last.endswith("s") and last[:-1] in singular


def classify(forms: dict[str, Form]) -> None:
    """Mark descriptive names: capitalised common nouns used after the/my ('the Doctor')."""
    for f in forms.values():
        if f.title or f.cast is not None or f.bare_title:
            continue
        if f.determined * 2 > f.count:
            f.descriptive = True


def together(f: Form, c: Cluster) -> bool:
    """Do this name and the cluster's names share a sentence ("Eliza and Bessie")? Then they
    are two people, however close their names."""
    return any(f.sents & g.sents for g in c.forms if g.text != f.text)


def kin_names(part: str, firsts: set[str]) -> bool:
    """Is `part` a form of one of these first names? Directly ("Tom" of "Thomas"), or through a
    shared formal name only when the two also look alike ("Liz"/"Lizzie"): "Jo" and "Hannah" both
    shorten Johanna, yet are two people."""
    key, fam = fold(part), name_family(part)
    for x in firsts:
        fx = fold(x)
        if fx in fam or key in name_family(x) or (fam & name_family(x) and fx[:2] == key[:2]):
            return True
    return False


def ranks(form: Form) -> set[str]:
    """The genderless titles of a form ("Mr. Superintendent Bell" -> {"superintendent"})."""
    words = form.text.split()[: -len(form.parts)] if form.title else []
    return {title_key(w) for w in words if TITLES.get(title_key(w)) == "U"}


def shared_rank(f: Form, g: Form) -> bool:
    return f.parts == g.parts and bool(ranks(f) & ranks(g))


def initials(form: Form) -> str | None:
    """The initials of a name written as initials only ("T. L." -> "TL"), else None."""
    if len(form.parts) >= 2 and all(re.fullmatch(r"[A-Z]\.?", p) for p in form.parts):
        return "".join(p[0] for p in form.parts)
    return None


def cast_name_parts(alias: str) -> tuple[str | None, str | None]:
    """The first name and surname a cast alias gives its character, as the story's own names
    would: "Mr. Henry Van Der Luyden" -> (Henry, Luyden), "Edward Bear" -> (Edward, Bear),
    "Mrs. Bennet" -> (None, Bennet), "Pooh" -> (Pooh, None). A description ("The Voice") or a
    name borrowed from someone else ("Mrs. John Dashwood") gives nothing."""
    words = alias.split()
    if not words or words[0].lower() in CAST_DETERMINERS:
        return None, None
    title = words[0] if is_title(words[0]) and len(words) > 1 else None
    parts = [
        w for w in words if not is_title(w) and w.lower() not in CONNECTORS | {"der", "den", "ten"}
    ]
    if not parts or not all(is_cap_word(p) for p in parts):
        return None, None
    if any(p.lower() in NOT_NAMES and p.lower() not in SURNAME_WORDS for p in parts):
        return None, None
    if len(parts) >= 2:
        g, conf = first_name_gender(parts[0])
        if title and conf >= 0.6 and not compatible(TITLES.get(title_key(title), "U"), g):
            return None, None  # "Mrs. John Dashwood" names John's wife
        return parts[0], parts[-1]
    if title and not (title_key(title) in FIRST_NAME_TITLES and is_known_first_name(parts[0])):
        return None, parts[0]
    return parts[0], None


def full_names(c: Cluster) -> int:
    """How often a character is named with more than one name ("Charles Hayter")."""
    return sum(f.count for f in c.forms if len(f.parts) >= 2)


def pick(cands: list[Cluster], gender: str) -> Cluster | None:
    """The most mentioned candidate compatible with a gender hint."""
    ok = [c for c in cands if c.alive and compatible(gender, c.gender())]
    return max(ok, key=lambda c: c.count) if ok else None


class Clusterer:
    """Groups accepted forms into characters, most informative names first."""

    def __init__(
        self,
        forms: list[Form],
        cast: list[tuple[str, list[str]]] | None,
        pronouns: dict[str, int] | None = None,
    ):
        self.forms = forms
        # narration he/she counts by gender: the salience of leads named only a few times
        self.pronouns = pronouns or {}
        self.bare = {
            fold(f.parts[0]): f.count for f in forms if len(f.parts) == 1 and not f.title
        }
        self.clusters: list[Cluster] = []
        self.cast_clusters: list[Cluster] = []
        for name, aliases in cast or []:
            c = self.new()
            name, c.cast_gender = split_gender(name)
            c.cast_name = name
            c.cast_aliases = [name, *aliases]
            for alias in c.cast_aliases:
                first, last = cast_name_parts(alias)
                if first:
                    c.firsts.add(first)
                if last:
                    c.lasts.add(fold(last))
            self.cast_clusters.append(c)

    def weight(self, c: Cluster) -> int:
        """Mentions of a cluster counting the bare first names that will join it later."""
        return c.count + sum(self.bare.get(fold(x), 0) for x in c.firsts)

    def new(self) -> Cluster:
        c = Cluster()
        self.clusters.append(c)
        return c

    def alive(self) -> list[Cluster]:
        return [c for c in self.clusters if c.alive]

    def run(self) -> list[Cluster]:
        forms = sorted(self.forms, key=lambda f: (len(f.parts) if f.descriptive else -len(f.parts), -f.count))
        for f in forms:
            if f.cast is not None:
                c = self.cast_clusters[f.cast]
                c.forms.append(f)
                continue
            if f.descriptive:
                head = next((c for c in self.alive() if any(g.text == f.parts[0] for g in c.forms)), None)
                (head or self.new()).forms.append(f)
            elif len(f.parts) >= 2:
                self.place_full(f)
            elif f.title:
                self.place_titled(f)
        for f in forms:
            if f.cast is None and not f.descriptive and len(f.parts) == 1 and not f.title:
                if f.bare_title:
                    self.place_title(f)
                else:
                    self.place_bare(f)
        self.merge_prefixes()
        self.merge_dialogue_only()
        self.merge_rank_and_first()
        self.merge_initials()
        self.merge_clipped_ranks()
        self.merge_surname_diminutives()
        self.merge_descriptive()
        return [c for c in self.alive() if c.forms or c.cast_name]

    def place_full(self, f: Form) -> None:
        first, last = f.parts[0], f.parts[-1]
        g, conf = first_name_gender(first)
        if conf >= 0.6 and not compatible(f.title_gender, g):
            c = self.new()  # "Mrs Charles Musgrove" is Charles' wife, not Charles
            c.forms.append(f)
            c.lasts.add(fold(last))
            return
        fam = name_family(first)
        for c in self.alive():
            if fold(last) in c.lasts and (c.families() & fam):
                c.forms.append(f)
                return
        for c in self.alive():
            if not c.lasts and c.cast_name and (c.families() & fam):
                c.forms.append(f)
                c.lasts.add(fold(last))
                return
        c = self.new()
        c.forms.append(f)
        c.firsts.add(first)
        c.lasts.add(fold(last))

    def place_titled(self, f: Form) -> None:
        part = f.parts[0]
        gender = f.gender_hint
        fam = name_family(part)
        key = fold(part)
        named_first = any(c.families() & fam for c in self.alive())
        named_last = any(key in c.lasts for c in self.alive())
        as_first = (
            title_key(f.title or "") in FIRST_NAME_TITLES
            and (is_known_first_name(part) or named_first)
        ) or (named_first and not named_last)  # "Mrs. Rachel" beside "Rachel Lynde"
        if as_first:
            c = pick([c for c in self.alive() if c.families() & fam], gender)
        else:
            family = [c for c in self.alive() if key in c.lasts]
            fits = [c for c in family if compatible(gender, c.gender())]
            c = None
            tk = title_key(f.title or "")
            same_rank = [c for c in fits if any(shared_rank(f, g) for g in c.forms)]
            if tk in MARRIED or tk in UNMARRIED:
                # a "Mrs." is never the one the story calls "Miss", and the other way round
                clash = UNMARRIED if tk in MARRIED else MARRIED
                fits = [c for c in fits if not any(title_key(g.title or "") in clash for g in c.forms)]
            married = [c for c in fits if any(title_key(g.title or "") in MARRIED for g in c.forms)]
            if same_rank and tk in MARRIED:
                c = None  # "Mrs. Superintendent Bell" is the superintendent's wife
            elif len(same_rank) == 1:
                c = same_rank[0]  # "Mr. Superintendent Bell" is "Superintendent Bell"
            elif tk in KIN_TITLES:
                c = None
            elif len(family) == 1:
                c = pick(fits, gender)
            elif tk in MARRIED and len(fits) == 1 and married:
                c = fits[0]  # "Mrs. Lynde" is "Mrs. Rachel Lynde", not her husband Thomas
            elif fits and title_key(f.title or "") == "miss":
                # "Miss Miller" is the family's leading daughter when one clearly dominates
                ranked = sorted(fits, key=self.weight, reverse=True)
                if len(ranked) == 1 or self.weight(ranked[0]) >= max(5, 3 * self.weight(ranked[1])):
                    c = ranked[0]
            # otherwise "Mrs Musgrove" beside Louisa and Charles Musgrove is a parent: a new person
        if c is None:
            c = self.new()
            if as_first:
                c.firsts.add(part)
            else:
                c.lasts.add(key)
        c.forms.append(f)

    def place_bare(self, f: Form) -> None:
        part = f.parts[0]
        key = fold(part)
        fam = name_family(part)
        by_last = [c for c in self.alive() if key in c.lasts]
        by_first = [
            c
            for c in self.alive()
            if c.families() & fam
            and kin_names(part, c.firsts)
            and (key in {fold(x) for x in c.firsts} or not together(f, c))
        ]
        exact = [c for c in by_first if key in {fold(x) for x in c.firsts}]
        in_cast = [c for c in exact if c.cast_name]
        by_first = in_cast or exact or by_first  # "Tom" is Tom Bertram before Sir Thomas
        if len(in_cast) > 1:
            # two of the cast share the name: a writer spells out "Charles Hayter" because
            # plain "Charles" means the other Charles, the one seldom named in full
            by_first = [min(in_cast, key=lambda c: (full_names(c), -c.count))]
        g, conf = first_name_gender(part)
        hint = g if conf >= 0.6 else f.gender_hint
        order = (by_first, by_last) if is_known_first_name(part) else (by_last, by_first)
        for cands in order:
            c = pick(cands, hint)
            if c is not None:
                c.forms.append(f)
                return
        c = self.new()
        c.forms.append(f)
        c.firsts.add(part)  # a lone unknown word ("Dembe") counts as the first name it most often is

    def place_title(self, f: Form) -> None:
        """A bare title ("the Inspector") is the one character named with that title; if none or
        several are, it names nobody in particular and is dropped."""
        holders = self.rank_holders(rank_of(f.parts[0]))
        if len(holders) == 1:
            holders[0].forms.append(f)

    def rank_holders(self, rank: str) -> list[Cluster]:
        """The characters named with this rank before their name ("Sergeant Colon")."""
        return [
            c
            for c in self.alive()
            if any(
                g.title and rank in {rank_of(w) for w in g.text.split()[: -len(g.parts)]}
                for g in c.forms
            )
        ]

    def merge_clipped_ranks(self) -> None:
        """A clipped rank used as a name ("Sarge", "Doc") joins the one character who holds
        that rank ("Sergeant Colon"); with no such holder or several it stays as it is."""
        for c in self.alive():
            if len(c.forms) != 1 or c.cast_name or len(c.forms[0].parts) != 1:
                continue
            word = c.forms[0].parts[0]
            rank = rank_of(word)
            if rank == title_key(word).replace("\u2019", "'"):
                continue
            holders = [h for h in self.rank_holders(rank) if h is not c]
            if len(holders) == 1 and compatible(c.gender(), holders[0].gender()):
                holders[0].absorb(c)

    def merge_prefixes(self) -> None:
        """`Red` joins `Reddington`: a short unknown name that starts exactly one known name."""
        for c in sorted(self.alive(), key=lambda c: c.count):
            if not c.alive or len(c.forms) != 1 or len(c.forms[0].parts) != 1 or c.cast_name:
                continue
            word = c.forms[0].parts[0]
            g, _ = first_name_gender(word)
            if g != "U" or len(word) < 3:
                continue
            targets = []
            for o in self.alive():
                if o is c:
                    continue
                names = {p for f in o.forms for p in f.parts}
                if any(len(p) >= len(word) + 2 and p.startswith(word) for p in names):
                    targets.append(o)
            if len(targets) == 1 and compatible(c.gender(), targets[0].gender()):
                t = targets[0]
                t.forms.extend(c.forms)  # a nickname, not a first name: t.firsts stay as they are
                c.forms = []
                c.alive = False

    def merge_dialogue_only(self) -> None:
        """A name heard only in dialogue that fills the gap of a main character's name joins it.

        Fan fiction names its leads by first name or nickname in narration and by title and
        surname in dialogue ("Agent Keen"); a one-part name used only inside quotes, whose
        missing part (surname or first name) is exactly what a leading character of matching
        gender lacks, is taken to be that character.
        """
        alive = self.alive()
        total = sum(c.count for c in alive) or 1
        third = self.pronouns.get("M", 0) + self.pronouns.get("F", 0)
        first_person = self.pronouns.get("I", 0) >= max(5, 0.6 * third)
        for c in sorted(alive, key=lambda c: -c.count):
            if not c.alive or c.cast_name or c.descriptive or c.narration_count > 0:
                continue
            if first_person and all(f.vocative == f.count and not f.title for f in c.forms):
                continue  # "..., John." said to the "I": the narrator's name, not a lead's
            big = [t for t in self.alive() if t.count >= 0.1 * total]
            sharers = Counter(t.gender() for t in big)
            salience = {
                id(t): t.count + self.pronouns.get(t.gender(), 0) / sharers[t.gender()] for t in big
            }
            leads = sorted(big, key=lambda t: -salience[id(t)])[:3]
            if not any(f.title or f.vocative for f in c.forms):
                continue
            has_first = bool(c.firsts) and not c.lasts
            has_last = bool(c.lasts) and not c.firsts
            if not (has_first or has_last):
                continue
            if has_first and not any(len(name_family(x)) > 1 for x in c.firsts):
                continue  # only a diminutive ("Ray") is an intimate's name for a known lead
            if has_last and any(f.title_gender != "U" for f in c.forms):
                # a rank ("Agent Keen") is how colleagues address a lead; "Mr. Hartley" joins a
                # lead only when Hartley is already the family name of someone in the story
                kin = any(t is not c and t.lasts & c.lasts for t in self.alive())
                if not kin:
                    continue
            best = None
            for t in leads:
                if t is c or not t.alive or t.narration_count < 2 or t.count < c.count:
                    continue
                if t.descriptive or not compatible(c.gender(), t.gender()):
                    continue
                if has_first and t.firsts:
                    continue
                if has_last and t.lasts:
                    continue
                if best is None or salience[id(t)] > salience[id(best)]:
                    best = t
            if best is not None:
                best.absorb(c)

    def merge_rank_and_first(self) -> None:
        """A rank and surname in narration ("Constable Delgado") and a first name heard only in
        dialogue ("Rosa") are one person when each is the only candidate for the other: the
        rank-and-surname character has no first name, the first-name character no surname and
        no narration, their genders agree and they never share a sentence. The first name must
        tell its gender (the rank need not)."""
        alive = self.alive()
        ranked = [
            c
            for c in alive
            if c.lasts
            and not c.firsts
            and not c.cast_name
            and any(f.title and f.title_gender == "U" for f in c.forms)
        ]
        firsts = [
            c
            for c in alive
            if c.firsts
            and not c.lasts
            and not c.cast_name
            and c.narration_count == 0
            and all(is_known_first_name(x) for x in c.firsts)
        ]

        def fits(a: Cluster, b: Cluster) -> bool:
            ga, gb = a.gender(), b.gender()
            return compatible(ga, gb) and ga != "U" and not any(together(f, b) for f in a.forms)

        for r in ranked:
            cands = [f for f in firsts if f.alive and fits(f, r)]
            if len(cands) == 1 and [x for x in ranked if x.alive and fits(cands[0], x)] == [r]:
                r.absorb(cands[0])

    def merge_initials(self) -> None:
        """Initials ("T. L." signing a note) join the one character whose full name has them."""
        for c in self.alive():
            if len(c.forms) != 1 or c.cast_name:
                continue
            inits = initials(c.forms[0])
            if inits is None:
                continue
            targets = [
                o
                for o in self.alive()
                if o is not c
                and any(
                    len(g.parts) == len(inits) and "".join(p[0] for p in g.parts) == inits
                    for g in o.forms
                    if initials(g) is None
                )
            ]
            if len(targets) == 1:
                targets[0].absorb(c)

    def merge_surname_diminutives(self) -> None:
        """A pet name made from a surname's stem ("Laurie": "Laur" + "ie") joins the one
        character whose surname has that stem (Theodore Laurence). The name list's gender for
        the pet name says nothing here, so only the he/she that follows it must agree."""
        for c in sorted(self.alive(), key=lambda c: c.count):
            if not c.alive or len(c.forms) != 1 or c.cast_name or len(c.forms[0].parts) != 1:
                continue
            f = c.forms[0]
            word = fold(f.parts[0])
            stem = word[:-2] if word.endswith("ie") else word[:-1] if word.endswith("y") else ""
            if len(stem) < 3:
                continue
            targets = [
                o
                for o in self.alive()
                if o is not c and any(last.startswith(stem) and last != word for last in o.lasts)
            ]
            if len(targets) != 1 or not compatible(f.gender_hint, targets[0].gender()):
                continue
            if any(together(g, targets[0]) for g in c.forms):
                continue
            targets[0].forms.extend(c.forms)  # a pet name: the target's first names stay
            c.forms = []
            c.alive = False

    def merge_descriptive(self) -> None:
        """A descriptive name joins the named character it keeps company with, if any."""
        named = [c for c in self.alive() if not c.descriptive]
        if not named:
            return
        starts = sorted(
            ((s, c) for c in named for f in c.forms for s, _ in f.spans), key=lambda x: x[0]
        )
        keys = [s for s, _ in starts]
        for c in [c for c in self.alive() if c.descriptive and any(epithet(f) for f in c.forms)]:
            votes: Counter[int] = Counter()
            for f in c.forms:
                for s, _ in f.spans:
                    lo = bisect.bisect_left(keys, s - 400)
                    hi = bisect.bisect_right(keys, s + 200)
                    for k in range(lo, hi):
                        votes[id(starts[k][1])] += 1
            if not votes:
                continue
            best_id, n = votes.most_common(1)[0]
            target = next(o for o in named if id(o) == best_id)
            if n >= 1 and compatible(c.gender(), target.gender()):
                target.absorb(c)


# Words that open a cast entry written as a description ("The Policeman", "His Valet").
CAST_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "my", "our"})


def cast_key(s: str) -> str:
    """Case-, dot- and spacing-insensitive key of a cast alias ("Mr van der Luyden" ==
    "Mr. Van Der Luyden")."""
    return " ".join(fold(s).replace(".", " ").split())


def description_words(alias: str) -> list[str]:
    """The words of an alias after its determiner ("The Policeman" -> ["Policeman"])."""
    words = alias.split()
    if len(words) > 1 and words[0].lower() in CAST_DETERMINERS:
        return words[1:]
    return words


def lower_case_aliases(aliases: list[str], text: str) -> tuple[set[str], set[str]]:
    """The cast aliases the story writes in lower case more often than capitalised
    ("the policeman"): descriptions, not names; and the description-like ones it never
    writes at all. One pass over the text for all of them."""
    phrases: dict[str, list[str]] = {}
    for alias in aliases:
        words = description_words(alias)
        determined = len(words) < len(alias.split())  # "The Detective": a role, not a title
        if any((is_title(w) and not determined) or not w.replace("-", "").replace("'", "").isalpha() for w in words):
            continue
        if all(w.lower() in NOT_NAMES for w in words):
            continue  # "Somebody" is anybody
        phrases.setdefault(cast_key(" ".join(words)), []).append(alias)
    if not phrases:
        return set(), set()
    keys = sorted(phrases, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(re.escape(w) for w in key.split()) for key in keys)
    lower: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for m in re.finditer(rf"(?<!\w)(?i:{alternation})(?!\w)", text):
        (lower if m.group()[:1].islower() else cap)[cast_key(m.group())] += 1
    lower_case = {a for key, group in phrases.items() if lower[key] > cap[key] for a in group}
    return lower_case, {a for key, group in phrases.items() if not lower[key] + cap[key] for a in group}


def alias_pattern(alias: str, description: bool) -> str:
    """A regex for one cast alias as a story writes it: the opening determiner in either case,
    a title with or without its dot, connectors ("van der") in either case, any spacing; a
    description ("The Policeman") in any case."""
    out = []
    words = alias.split()
    for k, w in enumerate(words):
        low = w.lower()
        if description or (k == 0 and len(words) > 1 and low in CAST_DETERMINERS):
            out.append("(?i:" + re.escape(w) + ")")
        elif is_title(w):
            out.append(re.escape(w.rstrip(".")) + r"\.?")
        elif k > 0 and low in CONNECTORS | {"der", "den", "ten", "ter"}:
            out.append("(?i:" + re.escape(w) + ")")
        else:  # a capital, then any case: "Winnie-the-pooh" is "Winnie-the-Pooh"
            out.append(re.escape(w[0]) + ("(?i:" + re.escape(w[1:]) + ")" if len(w) > 1 else ""))
    return r"\s+".join(out)


def unaccented(text: str) -> str:
    """The text with accents dropped letter for letter ("Thérèse" -> "Therese"), offsets kept."""
    table: dict[int, str] = {}
    for ch in set(text):
        if ord(ch) < 128:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[ord(ch)] = base
    return text.translate(table) if table else text


def damaged(alias: str) -> str | None:
    """The alias as a text with damaged encoding writes it, each accented letter turned into
    "?" ("Thérèse" -> "Th?r?se"), when it has accented letters."""
    if alias.isascii():
        return None
    return "".join("?" if not ch.isascii() and ch.isalpha() else ch for ch in alias)


def cast_forms(ex: Extractor, cast: list[tuple[str, list[str]]], forms: dict[str, Form]) -> None:
    """Find every cast name and alias in the story (one alternation, one pass)."""
    doc = ex.doc
    lookup: dict[str, int] = {}
    for idx, (name, aliases) in enumerate(cast):
        for a in [name, *aliases]:
            lookup.setdefault(cast_key(a), idx)
            bare = description_words(a)
            if len(bare) < len(a.split()):
                lookup.setdefault(cast_key(" ".join(bare)), idx)  # "Policeman" of "The Policeman"
    lookup.update(borrowed_first_names(cast, doc.text))
    for f in forms.values():
        idx = lookup.get(cast_key(f.text))
        if idx is None and f.title and compatible(f.title_gender, first_name_gender(f.parts[0])[0]):
            idx = lookup.get(cast_key(" ".join(f.parts)))  # not "Mrs Charles Musgrove" for Charles
        if idx is not None:
            f.cast = idx
    text = doc.text
    alternatives: dict[str, None] = {}
    lower_case, unseen = lower_case_aliases([a for name, aliases in cast for a in [name, *aliases]], text)
    misspelt_aliases(cast, unseen, forms)
    for name, aliases in cast:
        described = {a: a in lower_case for a in [name, *aliases]}
        # a name the story never writes ("The Soliciter", misspelt) is no sign of a named character
        named = any(not desc and a not in unseen for a, desc in described.items())
        for a, desc in described.items():
            # one word ("The Voice") is too common a phrase to stand for someone with a name
            desc = desc and not (named and len(description_words(a)) < 2)
            alternatives[alias_pattern(unaccented(a), desc)] = None
            broken = damaged(a)
            if broken is None:
                continue
            # the extractor cannot read "Th?r?se" as a name: the cast gives its first name too
            first = damaged(cast_name_parts(a)[0] or "")
            for form in dict.fromkeys([broken, *([first] if first else [])]):
                lookup.setdefault(cast_key(form), lookup[cast_key(a)])
                alternatives[alias_pattern(form, desc)] = None
    months = month_first_names(cast, lookup)
    for first, idx in months.items():
        lookup[cast_key(first)] = idx
        alternatives[re.escape(first)] = None
    if not alternatives:
        return
    ordered = sorted(alternatives, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)")
    seen = {sp for f in forms.values() for sp in f.spans}
    plain = unaccented(text).replace("\ufffd", "?")
    for rs, re_ in doc.story_regions():
        for m in pattern.finditer(plain, rs, re_):
            if (m.start(), m.end()) in seen:
                continue
            idx = lookup.get(cast_key(m.group()))
            if idx is None or (m.group() in months and not month_as_name(ex, m.start(), m.end())):
                continue
            found = " ".join(text[m.start() : m.end()].split())
            f = forms.get(found)
            if f is None:
                parts = [p for p in found.split() if not is_title(p)] or [found]
                title = found.split()[0] if is_title(found.split()[0]) else None
                f = forms[found] = Form(text=found, title=title, parts=parts)
                f.cast = idx
            f.spans.append((m.start(), m.end()))
            i = bisect.bisect_left(ex.toks.start, m.start())
            if i < len(ex.sent_of):
                f.sents.add(ex.sent_of[i])
    drop_inside_cast(forms)


SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def other_names(names: list[str]) -> re.Pattern[str] | None:
    """One pattern for a character's capitalised names, None when it has none."""
    names = [n for n in names if n[:1].isupper()]
    return re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names)) if names else None


def borrowed_first_names(cast: list[tuple[str, list[str]]], text: str) -> dict[str, int]:
    """A bare first name the cast gives one character that is the first name of another
    one's full name ("John" listed for John Beaver; the boy John Andrew), read as the other
    when the story writes it beside the first one's other names ("John rode off; Beaver
    watched"): nobody is called by two names in one sentence. Cast key -> cast index, for
    the few such names where that happens in at least 3 sentences, twice as often as
    beside the other's names."""
    owners: dict[str, int] = {}
    for idx, (name, aliases) in enumerate(cast):
        for a in [name, *aliases]:
            owners.setdefault(a, idx)
    borrowed: list[tuple[str, int, int]] = []
    for word, a_idx in owners.items():
        if " " in word or not word[:1].isupper() or not word.isalpha():
            continue
        rivals = {
            idx
            for idx, (name, aliases) in enumerate(cast)
            if idx != a_idx and word not in aliases and word != name
            and any(n.split()[0] == word and len(n.split()) > 1 for n in [name, *aliases])
        }
        if len(rivals) == 1:
            borrowed.append((word, a_idx, rivals.pop()))
    if not borrowed:
        return {}
    sentences = [m.group() for m in SENTENCE.finditer(text)]
    out: dict[str, int] = {}
    for word, a_idx, b_idx in borrowed:
        a_names = other_names([n for n in [cast[a_idx][0], *cast[a_idx][1]] if word not in n.split()])
        if a_names is None:
            continue
        b_names = other_names([n for n in [cast[b_idx][0], *cast[b_idx][1]] if n != word])
        bare = re.compile(rf"\b{re.escape(word)}\b(?![ -][A-Z])")
        beside_a = beside_b = 0
        for sentence in sentences:
            if word not in sentence or not bare.search(sentence):
                continue
            beside_a += bool(a_names.search(sentence))
            beside_b += bool(b_names is not None and b_names.search(sentence))
        if beside_a >= 3 and beside_a > 2 * beside_b:
            out[cast_key(word)] = b_idx
    return out


def misspelt_aliases(cast: list[tuple[str, list[str]]], unseen: set[str], forms: dict[str, Form]) -> None:
    """A cast name the story never writes but nearly does ("Nawab Badahur" for the text's
    "Nawab Bahadur"): a user's cast file, typed from memory, has such slips. The one found
    name of as many words, starting alike, with 85% of its letters in common (75% when only
    their order differs), takes the cast entry; long names only, and never a name another
    cast entry already holds."""

    def near_spelling(a: str, b: str) -> bool:
        ratio = difflib.SequenceMatcher(None, a, b).ratio()
        return ratio >= 0.85 or (ratio >= 0.75 and sorted(a) == sorted(b))  # letters swapped

    free = [f for f in forms.values() if f.cast is None and len(f.text) >= 7]
    for idx, (name, aliases) in enumerate(cast):
        for a in [name, *aliases]:
            if a not in unseen:
                continue
            bare = " ".join(description_words(a))
            if len(bare) < 7:
                continue
            key = cast_key(bare)
            close = [
                f
                for f in free
                if len(f.text.split()) == len(bare.split())
                and cast_key(f.text)[:1] == key[:1]
                and near_spelling(cast_key(f.text), key)
            ]
            if len(close) == 1:
                close[0].cast = idx


def month_first_names(cast: list[tuple[str, list[str]]], lookup: dict[str, int]) -> dict[str, int]:
    """First names that are also months ("May Welland"), which the extractor never takes for
    names, each of one cast member only and not an alias already: name -> cast index."""
    owners: dict[str, set[int]] = {}
    for idx, (name, aliases) in enumerate(cast):
        for a in [name, *aliases]:
            first = cast_name_parts(a)[0]
            if first and first.lower() in SURNAME_WORDS and len(a.split()) > 1:
                owners.setdefault(first, set()).add(idx)
    return {
        first: next(iter(idxs))
        for first, idxs in owners.items()
        if len(idxs) == 1 and cast_key(first) not in lookup
    }


# Words around a month or a modal verb, never around a person called May or June.
MONTH_BEFORE = word_set("in of since until till by early late last next this that mid from to")
MODAL_AFTER = word_set("i we you he she it they not be have there")


def month_as_name(ex: Extractor, start: int, end: int) -> bool:
    """Is "May" here the person? Not after "in"/"of"/"early" (the month), not before a number,
    and not opening a question ("May I come in?": the verb)."""
    i = bisect.bisect_left(ex.toks.start, start)
    j = bisect.bisect_left(ex.toks.start, end)
    prev = ex.lower[i - 1] if i > 0 else ""
    nxt = ex.lower[j] if j < len(ex.lower) else ""
    return prev not in MONTH_BEFORE and not nxt[:1].isdigit() and nxt not in MODAL_AFTER


def drop_inside_cast(forms: dict[str, Form]) -> None:
    """A word found inside a cast name ("Winnie" of "Winnie-the-Pooh", "Luyden" of "Mr. van der
    Luyden") is part of that name there, not a name of its own: those occurrences go."""
    cast_spans = sorted(sp for f in forms.values() if f.cast is not None for sp in f.spans)
    starts = [s for s, _ in cast_spans]
    for f in forms.values():
        if f.cast is not None:
            continue
        kept = []
        for s, e in f.spans:
            k = bisect.bisect_right(starts, s)
            near = cast_spans[max(0, k - 4) : k]  # the few cast names starting at or before s
            if not any(cs <= s and e <= ce and (cs, ce) != (s, e) for cs, ce in near):
                kept.append((s, e))
        f.spans = kept


def drop_nested(mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest of overlapping name spans (a cast alias inside a found full name)."""
    out: list[tuple[int, int, str]] = []
    for s, e, cid in sorted(mentions, key=lambda m: (m[0], -m[1])):
        if out and s < out[-1][1]:
            continue
        out.append((s, e, cid))
    return out


def beside_cast(c: Cluster) -> bool:
    """With a cast given, is this name found outside it still a person? The cast already
    names the people the story is about, so a stray capitalised word (an interjection opening
    a quote, a place) no longer gets the benefit of the doubt: it must be named as a speaker
    twice, or be a known first name or a titled name with some sign of a person (a speech verb,
    a vocative, a possessive, a following he/she)."""
    speech = sum(f.speech for f in c.forms)
    if speech >= 2:
        return True
    cues = speech + sum(f.vocative + f.possessive + f.he + f.she for f in c.forms)
    named = any(f.title or first_name_gender(f.parts[0])[1] >= 0.6 for f in c.forms if f.parts)
    return named and cues >= 1


def first_person_story(pronouns: dict[str, int]) -> bool:
    """Does the narration say "I" more than he/she (the narrator stage decides for good)?"""
    third = pronouns.get("M", 0) + pronouns.get("F", 0)
    return pronouns.get("I", 0) >= max(5, 0.6 * third)


PARENT_NAME = re.compile(
    r"(?<![Mm]y )(?<![Yy]our )(?<![Hh]is )(?<![Hh]er )(?<![Oo]ur )(?<![Tt]he )\b("
    + "|".join(k.capitalize() for k in KIN_NAMES)
    + r")\b"
)


def join_parent_names(doc: Document, clusters: list[Cluster], quotes: QuoteIndex) -> None:
    """"Hi, Mom." in a first-person story names the narrator's mother, whom others call by her
    first name: the one character of that gender who is named only in dialogue, called by name
    there by someone the narration names ("Delia!" Walter shouted; not the narrator's own name
    in the mother's lines), and named between the first and the last "Mom" (the same
    conversation). With no such character or several, "Mom" stays nobody's name."""
    found: dict[str, list[tuple[int, int]]] = {}
    for rs, re_ in doc.story_regions():
        for m in PARENT_NAME.finditer(doc.text, rs, re_):
            found.setdefault(m.group(1), []).append(m.span())
    if not found:
        return
    narrated = sorted(
        (s, id(c)) for c in clusters for f in c.forms for s, _ in f.spans if not quotes.inside(s)
    )
    starts = [s for s, _ in narrated]

    def called_by_another(c: Cluster) -> bool:
        for f in c.forms:
            for s, _ in f.spans:
                if not quotes.inside(s):
                    continue
                ps = doc.text.rfind("\n", 0, s) + 1
                pe = doc.text.find("\n", s)
                pe = len(doc.text) if pe < 0 else pe
                lo_k, hi_k = bisect.bisect_left(starts, ps), bisect.bisect_left(starts, pe)
                if any(narrated[k][1] != id(c) for k in range(lo_k, hi_k)):
                    return True
        return False

    for word, spans in found.items():
        gender = KIN_NAMES[word.lower()]
        lo, hi = spans[0][0], spans[-1][1]
        cands = [
            c
            for c in clusters
            if c.alive
            and not c.cast_name
            and not c.descriptive
            and c.narration_count == 0
            and compatible(c.gender(), gender)
            and any(f.vocative for f in c.forms)
            and any(lo <= s < hi for f in c.forms for s, _ in f.spans)
            and called_by_another(c)
        ]
        if len(cands) != 1:
            continue
        form = Form(text=word, title=None, parts=[word], spans=spans)
        form.in_quote = sum(quotes.inside(s) for s, _ in spans)
        cands[0].forms.append(form)


def best_name(c: Cluster) -> str:
    if c.cast_name:
        return c.cast_name
    named = [
        f
        for f in c.forms
        if not f.descriptive
        and not f.bare_title
        and initials(f) is None
        and f.text.lower() not in KIN_NAMES
    ] or c.forms
    return max(named, key=lambda f: (len(f.parts), f.title is None, f.count, len(f.text))).text


def reader_insert_spans(doc: Document) -> list[tuple[int, int]]:
    spans = []
    for rs, re_ in doc.story_regions():
        spans.extend(m.span() for m in READER_INSERT.finditer(doc.text, rs, re_))
    return spans


def build_characters(doc: Document, config: Config) -> list[Character]:
    toks = doc.layers.get("tokens")
    tagged = toks is not None
    if toks is None:
        toks = simple_tokens(doc)
        doc.layers["tokens"] = toks
    quotes = QuoteIndex(quote_spans(doc))
    ex = Extractor(doc, toks, quotes)
    forms = ex.run()
    if config.cast:
        cast_forms(ex, [(split_gender(n)[0], aliases) for n, aliases in config.cast], forms)
    classify(forms)
    accepted = [f for f in forms.values() if f.spans and accept(f, ex.lower_vocab, tagged)]
    accepted += first_names_of_full_names(forms, accepted, ex.lower_vocab)
    singular = {p for f in accepted for p in f.parts}
    accepted = [f for f in accepted if not plural(f, singular)]
    heads = {f.text for f in accepted}
    accepted += [
        f
        for f in forms.values()
        if f.descriptive and len(f.parts) > 1 and f.parts[0] in heads and f not in accepted
    ]
    pronouns = ex.pronoun_mass()
    clusters = Clusterer(accepted, config.cast, pronouns).run()
    if not config.cast and first_person_story(pronouns):
        join_parent_names(doc, clusters, quotes)
    if config.cast:
        clusters = [c for c in clusters if c.cast_name or beside_cast(c)]
    total = sum(c.count for c in clusters) or 1
    chars: list[Character] = []
    used: set[str] = set()
    mentions: list[tuple[int, int, str]] = []
    order = sorted(clusters, key=lambda c: (-c.count, best_name(c)))
    if config.cast:
        order = [c for c in clusters if c.cast_name] + [c for c in order if not c.cast_name]
    for c in order:
        name = best_name(c)
        cid = base = slug(name)
        k = 2
        while cid in used:
            cid, k = f"{base}_{k}", k + 1
        used.add(cid)
        counts = Counter({f.text: f.count for f in c.forms})
        aliases = [a for a, _ in counts.most_common()]
        share = c.count / total
        role = "major" if share >= 0.15 else "minor" if c.count >= 3 else "mentioned"
        first = min((s for f in c.forms for s, _ in f.spans), default=None)
        ch = Character(
            id=cid,
            name=name,
            aliases=aliases,
            gender=c.gender(),
            extra={"role": role, "first_mention": first, "name_count": c.count},
        )
        if c.cast_name:
            ch.extra["cast"] = True
        chars.append(ch)
        mentions.extend((s, e, cid) for f in c.forms for s, e in f.spans)
    by_id = {c.id: c for c in chars}
    for s, e, cid in drop_nested(mentions):
        by_id[cid].mentions.append(Mention(s, e, "name"))
    doc.layers["character_names"] = {fold(a): c.id for c in chars for a in c.aliases}
    return chars


@stage("characters", requires=("tokens", "quotes"), provides=("characters",))
def characters_stage(doc: Document, config: Config) -> None:
    doc.characters = build_characters(doc, config)
