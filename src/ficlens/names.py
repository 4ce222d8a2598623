"""Name knowledge shared by the character stages: honorifics, non-person words, nicknames,
first-name gender, and the quote spans used to tell dialogue from narration.

Everything here is a plain table or a cached lookup so that stages stay linear: a stage asks
about each distinct name string once, never once per token.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


def word_set(words: str) -> frozenset[str]:
    """A frozenset from a whitespace-separated word list (keeps long lexicons readable)."""
    return frozenset(words.split())


# Honorifics and titles that may stand before a name, with the gender they imply (U = none).
TITLES: dict[str, str] = {
    "mr": "M", "mister": "M", "sir": "M", "lord": "M", "monsieur": "M", "m": "M", "king": "M",
    "prince": "M", "duke": "M", "count": "M", "baron": "M", "father": "M", "brother": "M",
    "uncle": "M", "master": "M", "herr": "M", "senor": "M", "señor": "M", "signor": "M",
    "marquis": "M", "marquess": "M", "comte": "M", "earl": "M", "emperor": "M", "pope": "M",
    "marquise": "F", "marchioness": "F", "comtesse": "F", "empress": "F", "signora": "F",
    "mrs": "F", "ms": "F", "miss": "F", "lady": "F", "dame": "F", "madame": "F", "madam": "F",
    "mme": "F", "mademoiselle": "F", "mlle": "F", "queen": "F", "princess": "F", "duchess": "F",
    "countess": "F", "baroness": "F", "mother": "F", "sister": "F", "aunt": "F",
    "mistress": "F", "frau": "F", "fraulein": "F", "señora": "F", "senora": "F",
    "dr": "U", "doctor": "U", "prof": "U", "professor": "U", "agent": "U", "captain": "U",
    "capt": "U", "lieutenant": "U", "lt": "U", "sergeant": "U", "sgt": "U", "detective": "U",
    "det": "U", "officer": "U", "inspector": "U", "commander": "U", "general": "U",
    "colonel": "U", "col": "U", "major": "U", "admiral": "U", "reverend": "U", "rev": "U",
    "judge": "U", "senator": "U", "president": "U", "chief": "U", "director": "U",
    "nurse": "U", "coach": "U", "headmaster": "U", "headmistress": "F", "saint": "U", "st": "U",
    "mx": "U", "deputy": "U", "sheriff": "U", "constable": "U", "superintendent": "U", "private": "U", "corporal": "U", "healer": "U",
}
# Shortened ranks: abbreviations written before a name ("Sgt. Colon") and clipped forms used
# alone in address ("Sarge", "Doc"), each with the rank it stands for.
RANK_FORMS: dict[str, str] = {
    "sgt": "sergeant", "sarge": "sergeant", "capt": "captain", "cap'n": "captain",
    "lt": "lieutenant", "lieut": "lieutenant", "det": "detective", "dr": "doctor",
    "doc": "doctor", "prof": "professor", "col": "colonel", "rev": "reverend",
}


def rank_of(word: str) -> str:
    """The full rank a title word stands for (`Sgt.` and `Sarge` -> `sergeant`)."""
    key = title_key(word).replace("\u2019", "'")
    return RANK_FORMS.get(key, key)


# Words for a parent used as a name ("Hi, Mom."), with the gender they tell.
KIN_NAMES: dict[str, str] = {
    "mom": "F", "mum": "F", "mommy": "F", "mummy": "F", "mama": "F", "mamma": "F",
    "dad": "M", "daddy": "M", "papa": "M",
}

# Titles that go with a first name ("Sir John", "Lady Mary", "Aunt May") more than a surname.
FIRST_NAME_TITLES = frozenset(
    {"sir", "lady", "dame", "lord", "aunt", "uncle", "prince", "princess", "king", "queen",
     "father", "mother", "sister", "brother", "saint", "master", "mistress"}
)

# Capitalised words that are never a person's name on their own: pronouns, interjections and
# oaths, days, months, and common sentence-initial words that taggers call proper nouns.
NOT_NAMES = word_set(
    """
    i me my mine myself you your yours yourself he him his himself she her hers herself it its
    we us our ours they them their theirs this that these those there here who whom whose what
    which when where why how yes no not oh ah aha ahh uh um hmm hm eh huh wow ow ouch oops ugh
    hey hi hello bye goodbye okay ok alright please thanks thank sorry well now then so and but
    ooh oooh mm mmm mhm hmmm ahem shh shush psst whoa woah yay yikes ew eww eek er erm oi nah
    yeah yep yup nope aw aww ha haha heh phew gah argh blah
    or yet nor if because though although while god gods lord jesus christ fate heaven heavens
    hell damn dammit goddammit shit fuck fucking crap bloody christ's gosh geez jeez merlin
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas easter halloween
    mom mum mommy mummy dad daddy mama papa ma pa sir madam ma'am maam miss mister mr mrs ms
    dr doctor professor captain agent love darling honey sweetheart babe baby dear dearest
    chapter part prologue epilogue note notes author disclaimer summary title end fin
    english french german american british russian italian spanish chinese japanese
    earth moon sun the a an of in on at to for with from by as is was be are were will would
    could should can may might must shall do does did have has had just still even only also
    everything nothing something anything everyone someone anyone nobody somebody anybody
    mr. mrs. ms. dr. st. prof. tv ok. pov fbi cia nypd police internet co co. inc inc. ltd ltd.
    esq esq. aye nay poor little old young dear
    morning evening afternoon night goodnight welcome congratulations cheers happy
    bonjour adieu farewell ja oui non si merci hola ciao
    pole poles jew jews frenchman frenchmen englishman englishmen englishwoman russians germans
    americans italians spaniards frenchwoman
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    twenty thirty forty fifty hundred thousand
    """
)

OATHS = word_set("god gods lord jesus christ heaven heavens hell merlin")
OATH_OPENERS = word_set("good dear sweet holy merciful great oh my thank for by in")
PERSON_LABELS = frozenset({"PERSON"})
NON_PERSON_LABELS = frozenset(
    {"GPE", "LOC", "ORG", "FAC", "NORP", "DATE", "TIME", "EVENT", "PRODUCT", "WORK_OF_ART",
     "LAW", "LANGUAGE", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL"}
)
SPEECH_VERBS = word_set(
    """
    say said says saying ask asked asks reply replied replies answer answered answers whisper
    whispered whispers shout shouted shouts yell yelled yells call called calls cry cried cries
    murmur murmured murmurs mutter muttered mutters snap snapped snaps add added adds continue
    continued continues exclaim exclaimed exclaims sigh sighed sighs laugh laughed laughs
    breathe breathed breathes tell told tells state stated states agree agreed agrees note
    noted notes insist insisted insists demand demanded demands begin began begins hiss hissed
    growl growled scream screamed sob sobbed plead pleaded pleads beg begged begs greet greeted
    nod nodded nods smile smiled smiles grin grinned grins frown frowned look looked looks
    thought thinks think wonder wondered wonders stammer stammered stutter stuttered
    """
)
PERCEPTION_VERBS = word_set(
    """
    thought think thinks wondered wonder wonders felt feel feels knew know knows realized
    realised realize realizes noticed notice notices saw see sees watched watch watches
    heard hear hears remembered remember remembers wished wish wanted want wants hoped hope
    decided decide feared fear sensed sense considered consider believed believe imagined
    """
)

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
NEUTRAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themself", "themselves"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})

# "Y/N" (your name), "Y/L/N" (your last name), with the title a character addresses it by.
READER_INSERT = re.compile(
    r"(?:\b(?:Miss|Mrs\.?|Mr\.?|Ms\.?|Mx\.?)\s+)?[(\[{]?\b[Yy]/(?:[Ll]/)?[Nn]\b[)\]}]?"
)
_QUOTE_CHARS = '"\u201c\u201d'


def title_key(word: str) -> str:
    """`Mr.` -> `mr`: the lookup key of a possible title token."""
    return word.rstrip(".").lower()


def is_title(word: str) -> bool:
    return title_key(word) in TITLES and word[:1].isupper()


def fold(s: str) -> str:
    """Case-, accent- and apostrophe-insensitive form of a name, for matching strings."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", s.replace("\u2019", "'")).strip().lower()


def slug(name: str) -> str:
    """A stable id from a name: `Mr. Raymond Reddington` -> `raymond_reddington`."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    return "_".join([w for w in words if w not in TITLES] or words) or "character"


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=8192)
def name_family(first: str) -> frozenset[str]:
    """The name and its formal forms: `Lizzie` -> {lizzie, elizabeth}; `Ray` -> {ray, raymond}."""
    key = fold(first)
    canon = _nicknamer().canonicals_of(key)
    return frozenset({key, *canon})


def same_first_name(a: str, b: str) -> bool:
    """True when two first names can name one person (`Liz`/`Elizabeth`, `Lizzie`/`Liz`)."""
    fa, fb = name_family(a), name_family(b)
    return bool(fa & fb)


@lru_cache(maxsize=1)
def _gender_detector() -> Any:
    try:
        import gender_guesser.detector as gd
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return None
    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=8192)
def first_name_gender(name: str) -> tuple[str, float]:
    """(`M`/`F`/`U`, confidence) for a first name from the shipped first-name list."""
    det = _gender_detector()
    if det is None or not name.isalpha():
        return "U", 0.0
    g = det.get_gender(name)
    return {
        "male": ("M", 1.0),
        "mostly_male": ("M", 0.6),
        "female": ("F", 1.0),
        "mostly_female": ("F", 0.6),
    }.get(g, ("U", 0.0))


def is_known_first_name(name: str) -> bool:
    det = _gender_detector()
    return bool(det and name.isalpha() and det.get_gender(name) != "unknown")


class QuoteIndex:
    """Answers 'is this offset inside quoted words?' in O(log n) from sorted quote spans."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged = sorted(spans)
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def find(self, offset: int) -> int:
        """Index of the quote containing `offset`, or -1."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        return -1

    def inside(self, offset: int) -> bool:
        return self.find(offset) >= 0


def quote_spans(doc: Any) -> list[tuple[int, int]]:
    """Spans of quoted words: the quotes layer when present, else paired marks per paragraph."""
    if doc.quotes:
        return [(q.start, q.end) for q in doc.quotes]
    spans: list[tuple[int, int]] = []
    for rs, re_ in doc.story_regions():
        i = rs
        text = doc.text
        while i < re_:
            ch = text[i]
            if ch in _QUOTE_CHARS:
                j = i + 1
                while j < re_ and text[j] not in _QUOTE_CHARS and text[j] != "\n":
                    j += 1
                if j < re_ and text[j] in _QUOTE_CHARS:
                    spans.append((i + 1, j))
                    i = j + 1
                    continue
            i += 1
    return spans
