"""Cues that tell paratext from story in a fan-fiction text file, one line or paragraph at a time.

Fan fiction pasted as plain text keeps its furniture in the same stream as the story: titles,
bylines, disclaimers, author's notes, chapter headings, separator lines, sign-offs. These
functions look at one line (or one paragraph) and say what it *could* be; the structure
stage decides with position (top/bottom of the file and of chapters) and consistency.

Cues are of three strengths:
- *anywhere* cues are safe in the middle of a story (`A/N:`, `Disclaimer:`, a separator line,
  a chapter heading, "Mara's POV");
- *zone* cues only count in the paratext zones at the edges of the file and of chapters
  (`Summary:`, `Pairing:`, `Previously:`, a pen name, a title-like line);
- *author talk* is unlabelled prose that speaks about the story, the readers, reviews or
  ownership; it only counts in a zone, and needs several kinds of evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    "last|final"
)
NUMBER = rf"(?:\d+(?:\.\d+)?|[ivxlc]+|(?:{NUMBER_WORDS})(?:[\s-](?:{NUMBER_WORDS}))?)"
SEP = r"[:.\-\u2013\u2014|~=]+"

CHAPTER_HEADING = re.compile(
    rf"""^[^\w"\u201c]*
    (?:
      (?:chapter|chap\.?|ch\.?|part|book|act|volume|vol\.?|section)\s*{NUMBER}\b
      (?:\s*{SEP}\s*(?P<t1>.+?) | \s+(?P<t2>["\u201c'\u2018(\[].+?) | \s+(?P<t5>\S.*?) )?
    | (?:prologue|epilogue|interlude|preface|foreword|afterword|intermission|coda|omake)\b
      (?:\s*{SEP}\s*(?P<t3>.+?) | \s+(?P<t4>["\u201c'\u2018(\[].+?) )?
    )
    [^\w"\u201d)\]!?']*$""",
    re.IGNORECASE | re.VERBOSE,
)

EMOTICON = re.compile(r"^(?:[:;=8][-'^o]?[)(\]\[DPpO3/\\|*]+|\^[_.-]?\^|<3+|[)(]:)$")
BREAK_WORDS = re.compile(
    r"^[\W_]*(?:line|scene|page|section|time|pov|perspective)[\s_-]*"
    r"(?:break|change|skip|switch|shift)[\W_]*$|^[\W_]+(?:break|pagebreak|linebreak)[\W_]+$",
    re.IGNORECASE,
)

DISCLAIMER_LABEL = re.compile(r"^[\W_]*disclaimers?\b", re.IGNORECASE)
AUTHOR_NOTE_LABEL = re.compile(
    r"^[\W_]*(?:a\s?/\s?n\b|a\.\s?n\.|authors?'?\u2019?s?\s+notes?\b|author\s+notes?\b|"
    r"t\s?/\s?n\b|translator'?s?\s+notes?\b|beta'?s?\s+notes?\b)",
    re.IGNORECASE,
)
AN_CAPS_LABEL = re.compile(r"^[\W_]*ANs?\s*[:\-\u2013]")
NOTES_LABEL = re.compile(
    r"^[\W_]*(?:(?:chapter|end|beginning|story|final|additional|work)\s+)?(?:end\s+)?notes?"
    r"(?:\s*[:\-\u2013]|\s*$)",
    re.IGNORECASE,
)
AO3_NOTE_POINTER = re.compile(
    r"^\(?\s*see the (?:end|beginning) of the (?:chapter|work) for (?:more )?notes\.?\s*\)?$",
    re.IGNORECASE,
)
AO3_CHAPTER_TEXT = re.compile(r"^(?:chapter text|work text)$", re.IGNORECASE)
SUMMARY_LABEL = re.compile(
    r"^[\W_]*(?:(?:full|story|chapter|short)\s+)?(?:summary|blurb)(?:\s*[:\-\u2013]|\s*$)",
    re.IGNORECASE,
)
TITLE_LABEL = re.compile(r"^[\W_]*(?:story\s+)?title\s*:\s*\S", re.IGNORECASE)
BYLINE = re.compile(
    r"^[\W_]*(?:by|written\s+by|translated\s+by|author|authors|pen\s*name)\b\s*[:\-\u2013]?\s*(?P<name>\S.{0,60}?)\s*$",
    re.IGNORECASE,
)
HEADER_LABEL = re.compile(
    r"^[\W_]*(?:pairings?|ships?|rating|rated|word\s*count|words|genres?|warnings?|"
    r"archive\s+warnings?|fandoms?|characters?|category|categories|spoilers?|status|timeline|"
    r"setting|beta(?:'?d)?(?:\s+by|\s+reader)?|prompt|dedication|dedicated\s+to|written\s+for|"
    r"gift\s+for|for|tags|additional\s+tags|relationships?|language|series|chapters|"
    r"published|updated|completed|packaged|stats|publisher|story\s+url|author\s+url|"
    r"crossover|type|length|feedback|challenge|universe|time\s*line|date|posted|"
    r"inspired\s+by|song|soundtrack|requested\s+by(?:\s+[\w@.\-]+){0,3}|request(?:ed)?(?:\s+from(?:\s+[\w@.\-]+){1,3})?|requester|reader\s+insert|"
    r"au|summary\s+of\s+warnings|content\s+warnings?|trigger\s+warnings?|tw|cw)\s*:",
    re.IGNORECASE,
)
PREVIOUSLY = re.compile(
    r"^[\W_]*(?:previously(?:\s+on\b[^:]*)?|last\s+(?:time|chapter)(?:\s+on\b[^:]*)?|recap|"
    r"story\s+so\s+far|what\s+happened\s+before)\s*[:\u2026.\-\u2013]",
    re.IGNORECASE,
)
END_MARK = re.compile(
    r"^[^\w\"\u201c\u201d]*(?=[A-Z])(?:the\s+end|fin|finis|end|to\s+be\s+continued|tbc|end\s+of\s+"
    r"(?:chapter|part|prologue|epilogue|story|book|act)(?:\s+\S+){0,3}|the\s+end\s*\?)"
    r"[^\w\"\u201c\u201d]*$",
    re.IGNORECASE,
)
NAME_WORD = r"[A-Z][\w'\u2019.\-]*"
POV_SIGNPOST = re.compile(
    rf"""^[^\w"\u201c]*(?:
        (?:{NAME_WORD}\s){{0,3}}{NAME_WORD}(?:'s|\u2019s|'|\u2019)?\s*
          (?:POV|P\.O\.V\.?|pov|Pov|Point\s+[Oo]f\s+[Vv]iew|point\s+of\s+view)
      | (?:POV|P\.O\.V\.?|Pov)\s*[:\-\u2013]?\s*(?:{NAME_WORD}\s?){{1,4}}
    )[^\w"\u201d]*$""",
    re.VERBOSE,
)
VALEDICTION = re.compile(
    r"^(?:(?:with\s+|all\s+my\s+|lots\s+of\s+|much\s+|sending\s+)?love(?:\s+always|\s+you\s+all|"
    r"\s+ya|\s+and\s+hugs)?|cheers|xoxo|hugs(?:\s+and\s+kisses)?|yours(?:\s+truly|\s+always)?|"
    r"best(?:\s+wishes)?|(?:un)?till?\s+next\s+time|see\s+you(?:\s+next\s+time|\s+soon)?|"
    r"bye(?:\s+for\s+now)?|ciao|peace(?:\s+out)?|regards|sincerely|take\s+care|happy\s+reading|"
    r"much\s+love|signing\s+off)[\s,!.~\u2026]*$",
    re.IGNORECASE,
)
INLINE_NOTE = re.compile(
    r"[(\[]\s*(?:a\s?/\s?n|a\.\s?n\.|authors?'?\u2019?s?\s+notes?|author\s+notes?)\s*[:\-\u2013]",
    re.IGNORECASE,
)

DISCLAIMER_TALK = re.compile(
    r"\b(?:I|we)\s+(?:still\s+)?(?:do\s+not|don'?t|don\u2019t|didn'?t|didn\u2019t|never\s+did|"
    r"will\s+never|sadly\s+don'?t|unfortunately\s+don'?t)\s+(?:\w+\s+)?own\b|"
    r"\bown\s+(?:absolutely\s+)?nothing\b|\b(?:do|does)\s*(?:not|n'?t|n\u2019t)\s+belong\s+to\s+me\b|"
    r"\bbelongs?\s+to\s+(?:their|its|the)\s+(?:respective\s+)?(?:owners?|creators?)\b|"
    r"\bcopyright|\binfringement\b|\bno\s+profit\b|\bnot\s+making\s+(?:any\s+)?money\b|"
    r"\ball\s+rights\s+(?:reserved|belong|go)\b",
    re.IGNORECASE,
)
OWNERSHIP_TALK = re.compile(r"\bnot\s+mine\b|\bproperty\s+of\b", re.IGNORECASE)
NARRATIVE_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|they|them|their)\b", re.IGNORECASE)
REVIEW_TALK = re.compile(
    r"\b(?:reviews?|reviewed|reviewing|reviewers?|R\s*&\s*R|R/R|favou?rit(?:e|ed|es|ing)|faves?|"
    r"kudos|feedback|flames?|concrit|constructive\s+criticism|follow(?:ed|s|ers)?\s+(?:and|&)\s+"
    r"(?:favou?rite|review)\w*)\b",
    re.IGNORECASE,
)
META_TALK = re.compile(
    r"(?i:\b(?:this|my|the\s+next|next|last|previous|new|first|a)\s+(?:story|fic|fanfic|"
    r"fanfiction|chapter|one-?shot|drabble|update|sequel|multi-?chap(?:ter)?\w*)\b|\bfic\b|"
    r"\bfanfic(?:tion)?\b|\bone-?shot\b|\bupdat(?:e|es|ed|ing)\b|\bcanon\b|\bfandom\b|"
    r"\bspoilers?\b|\bseason\s+(?:\d+|one|two|three|four|five|six|finale)\b|\bepisode\b|"
    r"\baired\b|\bbeta(?:'?d|ed)?\b|\bprompt\b|\bwriter'?s\s+block\b|\bcliffhanger\b|"
    rf"\bchapter\s+(?:\d+|{NUMBER_WORDS})\s+(?:is|will|should|was|has)\b)|\bOOC\b|\bAU\b",
)
READER_TALK = re.compile(
    r"\b(?:readers|you\s+guys|y'all|everyone\s+who|thanks?\s+(?:so\s+much\s+|you\s+)?(?:all\s+)?"
    r"for\s+(?:reading|all\s+the|the\s+reviews)|let\s+me\s+know|hope\s+(?:you|y'all|everyone)\s+"
    r"(?:all\s+)?(?:enjoy|like|liked|love)|read\s+and\s+review|thank\s+you\s+(?:so\s+much|all|everyone)|"
    r"sorry\s+for\s+the\s+(?:wait|delay|long)|please\s+(?:review|comment|tell\s+me)|"
    r"enjoy\s*!|tell\s+me\s+what\s+you\s+think|in\s+the\s+comments|leave\s+a\s+comment)",
    re.IGNORECASE,
)

TITLE_SMALL_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on and or to for at by with from but is as into over under my your our "
        "no nor",
    )
)
BARE_LABELS = frozenset(
    (
        "summary", "notes", "note", "author's note", "author's notes", "authors note", "a/n",
        "end notes", "chapter notes", "chapter end notes", "disclaimer", "story summary",
        "beginning notes", "work notes", "full summary", "blurb", "previously", "recap",
        "last time", "last chapter", "previously on",
    )
)  # fmt: skip
QUOTE_OPENERS = '"\u201c\u201d\u00ab\u201e'


def two_words(line: str) -> bool:
    """True as soon as the line shows two different words (a separator repeats one at most)."""
    seen = ""
    for t in line.split():
        if any(c.isalnum() for c in t):
            word = t.strip("*~-_=+#.:|/\\<>").lower()
            if seen and word != seen:
                return True
            seen = word
    return False


def is_scene_break(line: str) -> bool:
    """A separator line: symbols only, `xXx`/`oOo` ribbons, `-line break-`, or a repeated token."""
    s = line.strip()
    if not s or len(s) > 80:
        return False
    if BREAK_WORDS.match(s):
        return True
    if two_words(s):
        return False
    if not any(ch.isalnum() for ch in s):
        return not (any(ch in s for ch in QUOTE_OPENERS + "?!") or EMOTICON.match(s))
    core = "".join(ch for ch in s if ch.isalnum())
    decorated = len(core) < len(s.replace(" ", ""))
    if set(core) <= set("oO0") or set(core) <= set("xX"):
        mixed = core != core.lower() and core != core.upper()
        if len(core) >= 3 and (
            mixed or decorated or "0" in core or core.isupper() or len(core) >= 5
        ):
            return True
        return decorated and len(core) >= 1 and len(s) <= 12 and "x" not in core.lower()
    if set(core.lower()) <= set("xo0") and (len(core) >= 5 or decorated):
        return True
    tokens = s.split()
    words = [t.strip("*~-_=+#.:|/\\<>") for t in tokens if any(ch.isalnum() for ch in t)]
    symbols = [t for t in tokens if not any(ch.isalnum() for ch in t)]
    return len(words) >= 2 and len({w.lower() for w in words}) == 1 and bool(symbols)


ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def numeral_value(line: str) -> int | None:
    """The value of a line that is only a number ("IV.", "12", "~ 3 ~"), else None."""
    s = line.strip()
    if len(s) > 12 or any(ch in s for ch in QUOTE_OPENERS + "'"):
        return None
    core = s.strip(" .:-~*=#_()[]\u2013\u2014")
    if not core:
        return None
    if core.isdigit():
        return int(core) if len(core) <= 3 else None
    if not ROMAN.match(core):
        return None
    total = 0
    for n, ch in enumerate(core):
        v = ROMAN_VALUES[ch]
        total += -v if n + 1 < len(core) and ROMAN_VALUES[core[n + 1]] > v else v
    return total


def chapter_heading(line: str) -> bool:
    """A chapter heading: "Chapter 2", "CHAPTER 2: "Losing You"", "Ch. 3", "Part II", "Prologue"."""
    s = line.strip()
    if not s or len(s) > 120:
        return False
    m = CHAPTER_HEADING.match(s)
    if not m:
        return False
    bare = m.group("t5")
    if bare and not (bare.isupper() or is_title_like(bare)):
        return False
    title = next((g for g in (m.group("t1"), m.group("t2"), m.group("t3"), m.group("t4")) if g), "")
    # "Part of the plan." never matches; "Chapter one ended badly, she said." must not either.
    return not (title and len(title.split()) > 12)


def is_title_like(line: str) -> bool:
    """Short, unpunctuated, mostly capitalised: how titles (and chapter titles) look."""
    s = line.strip()
    words = s.split()
    if not words or len(words) > 12 or len(s) > 90:
        return False
    if s[0] in QUOTE_OPENERS + "'\u2018-\u2013\u2014(*_" or not (s[0].isupper() or s[0].isdigit()):
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    if "  " in s or s.count(",") > 1:
        return False
    lexical = [w for w in words[1:] if w.lower().strip("'\"\u201c\u201d") not in TITLE_SMALL_WORDS]
    capitalised = [w for w in lexical if w.lstrip("'\"\u201c(")[:1].isupper() or w[:1].isdigit()]
    if s.endswith(("?", "!")):
        return len(lexical) >= 1 and len(capitalised) == len(lexical)
    return not lexical or len(capitalised) >= 0.6 * len(lexical)


DEDICATION = re.compile(
    r"^(?i:(?:dedicated\s+)?to|for)\s+(?i:my\s+[a-z]+,?\s+)?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,4}[.,!]?$"
)
"""A dedication line of the front matter: "To Edmund Clerihew Bentley", "For my beta, Kim"."""
INITIALS = re.compile(r"^[\W_]*(?:[A-Z]\.\s*){2,4}$")
"""A signature by initials ("G. K. C.")."""


def dedication(line: str) -> bool:
    return len(line.split()) <= 8 and DEDICATION.match(line.strip()) is not None


def signs_off(line: str) -> bool:
    """A line that signs a block: initials, or a short pen name."""
    s = line.strip()
    return INITIALS.match(s) is not None or (pen_name(s) is not None and len(s.split()) <= 3)


def pen_name(line: str) -> str | None:
    """The name in a sign-off line such as `~PenName` or `- Pen Name`, or None."""
    s = line.strip()
    decorated = s[:1] in "~-\u2013\u2014"
    name = s.strip("~-\u2013\u2014*_ ")
    words = name.split()
    if not words or len(words) > 4 or len(name) > 40:
        return None
    if name[0] in QUOTE_OPENERS + "'(" or name.endswith((".", "?", ",", ";", ":")):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    if not decorated and not (name[0].isupper() or name[0].isdigit() or name.islower()):
        return None
    return name


@dataclass(slots=True)
class AuthorTalk:
    """How much a paragraph sounds like its author talking about the story, not telling it."""

    disclaimer: int
    review: int
    meta: int
    reader: int
    first_person: bool
    ownership: int = 0
    """Weak ownership words ("not mine"): evidence only next to other kinds."""
    narrative: int = 0
    """Third-person pronouns: many of them mean the paragraph tells the story."""

    @property
    def kinds(self) -> int:
        counts = (self.disclaimer + self.ownership, self.review, self.meta, self.reader)
        return sum(1 for n in counts if n)

    @property
    def evidence(self) -> int:
        return self.disclaimer + self.ownership + self.review + self.meta + self.reader


FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my)\b")


def author_talk(text: str) -> AuthorTalk:
    return AuthorTalk(
        disclaimer=len(DISCLAIMER_TALK.findall(text)),
        review=len(REVIEW_TALK.findall(text)),
        meta=len(META_TALK.findall(text)),
        reader=len(READER_TALK.findall(text)),
        first_person=bool(FIRST_PERSON.search(text)),
        ownership=len(OWNERSHIP_TALK.findall(text)),
        narrative=len(NARRATIVE_PRONOUN.findall(text)),
    )


READER_KEY = re.compile(r"^[\W_]*\(?[A-Za-z]{1,2}/[A-Za-z]{1,2}\)?\s*(?:=|:|-|\u2013|\u2014|means)\s*\S.{0,60}$")
"""The key of a reader-insert story: "Y/N = your name", "(H/C) - hair colour"."""
LOOSE_LABEL = re.compile(r"^[\W_]*[A-Z][A-Za-z'\u2019]*(?:[ \-][A-Za-z'\u2019]+){0,2}\s*:\s*[^\s\"\u201c].{0,150}$")
"""Any short "Label: value" line; header matter only among other header lines."""


def loose_label(line: str) -> bool:
    s = line.strip()
    return LOOSE_LABEL.match(s) is not None or READER_KEY.match(s) is not None


HEADER_FIELDS = {
    "relationships": re.compile(r"^[\W_]*(?:pairings?|ships?|relationships?)\s*:\s*(?P<value>.+)$", re.I),
    "fandoms": re.compile(r"^[\W_]*fandoms?\s*:\s*(?P<value>.+)$", re.I),
    "rating": re.compile(r"^[\W_]*(?:rating|rated)\s*:\s*(?P<value>.+)$", re.I),
    "warnings": re.compile(r"^[\W_]*(?:archive\s+|content\s+|trigger\s+)?warnings?\s*:\s*(?P<value>.+)$", re.I),
    "characters": re.compile(r"^[\W_]*characters?\s*:\s*(?P<value>.+)$", re.I),
}
"""Header lines of a plain-text story whose values belong in `metadata`, as AO3 gives them."""
LIST_FIELDS = ("relationships", "fandoms", "warnings", "characters")


def header_field(line: str) -> tuple[str, str | list[str]] | None:
    """("relationships", ["Red/Liz"]) for "Pairing: Red x Liz", and so on; None otherwise.
    Pairings written "A x B" become AO3's "A/B"."""
    for key, pattern in HEADER_FIELDS.items():
        m = pattern.match(line.strip())
        if m is None:
            continue
        value = m.group("value").strip()
        if key == "relationships":
            value = re.sub(r"\([^)]*\)", "", value)  # "Jo/Laurie (sort of, eventually)"
        if key not in LIST_FIELDS:
            return key, value
        items = [v.strip() for v in re.split(r"[,;]", value) if v.strip()]
        if key == "relationships":
            items = [re.sub(r"\s+[xX\u00d7]\s+", "/", v) for v in items]
        return key, items
    return None


def label_kind(line: str, zone: bool) -> str | None:
    """The paratext kind a labelled line announces, or None. `zone` enables the weaker labels."""
    s = line.strip()
    if not s:
        return None
    if DISCLAIMER_LABEL.match(s):
        return "disclaimer"
    if AUTHOR_NOTE_LABEL.match(s) or AN_CAPS_LABEL.match(s) or AO3_NOTE_POINTER.match(s):
        return "author_note"
    if POV_SIGNPOST.match(s) and len(s) <= 60:
        return "other"
    if END_MARK.match(s):
        return "other"
    if not zone:
        return None
    if TITLE_LABEL.match(s):
        return "title"
    if SUMMARY_LABEL.match(s):
        return "summary"
    if NOTES_LABEL.match(s):
        return "author_note"
    if PREVIOUSLY.match(s):
        return "other"
    if AO3_CHAPTER_TEXT.match(s):
        return "other"
    if (HEADER_LABEL.match(s) and len(s) <= 300) or READER_KEY.match(s):
        return "other"
    if byline_name(s):
        return "other"
    return None


def byline_name(line: str) -> str | None:
    """The pen name of a byline ("By: PenName", "written by Pen Name"), or None."""
    s = line.strip()
    m = BYLINE.match(s)
    if not m or len(s) > 70:
        return None
    name = m.group("name").strip("*_~ ")
    words = name.split()
    labelled = bool(re.match(r"^[\W_]*(?:by|author|authors|pen\s*name)\s*[:\-\u2013]", s, re.I))
    labelled = labelled or bool(re.match(r"^[\W_]*(?:written|translated)\s+by\b", s, re.I))
    if not words or len(words) > 4 or name.endswith((".", "?", "!", ",")):
        return None
    if not labelled and not all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return None
    return name


def label_only(line: str) -> bool:
    """A label with nothing after it ("Summary:", "Notes:"): the next paragraph is its body."""
    s = line.strip().rstrip(":-\u2013 ").strip("*_~ ").lower()
    return s in BARE_LABELS


def inline_notes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`(A/N: ...)` asides inside a story paragraph, brackets included."""
    out = []
    for m in INLINE_NOTE.finditer(text, start, end):
        closer = ")" if text[m.start()] == "(" else "]"
        depth = 0
        j = m.start()
        while j < end:
            ch = text[j]
            if ch == text[m.start()] and not (j > 0 and text[j - 1] in ":;="):
                depth += 1
            elif ch == closer and not (j > 0 and text[j - 1] in ":;=^"):
                depth -= 1
                if depth == 0:
                    out.append((m.start(), j + 1))
                    break
            elif ch == "\n" and j + 1 < end and text[j + 1] == "\n":
                break
            j += 1
    return out
