"""Word lists for speech tags: verbs of saying, thinking and writing, pronouns, elisions.

Kept as plain frozensets of lower-case word forms so a lookup is one hash probe; the
quotes and speakers stages both read them.
"""

from __future__ import annotations

_SPEECH_LEMMAS = """
say ask reply answer respond retort cry exclaim shout yell scream shriek call whisper murmur
mutter mumble groan moan sigh laugh chuckle giggle snicker snort scoff sneer hiss growl snarl
bark roar bellow snap grumble grunt gasp breathe pant stammer stutter blurt begin continue
add go interrupt interject insist demand beg plead implore urge suggest offer agree admit
confess declare announce observe remark note comment explain state protest object argue
counter repeat echo correct warn promise assure reassure inquire enquire query question wonder
tease joke quip drawl purr coo croon sing chirp squeak squeal wail whimper whine sob sniff
sniffle huff rasp croak choke manage finish conclude cut return rejoin venture persist
pursue resume proceed mouth call greet tell order command instruct announce cheer reason
complain lament muse prompt press prod concede counter acknowledge affirm confirm deny
mock taunt scold chide rebuke snipe spit yelp howl intone recite read write type text
think speak interpose opine hazard
"""

_IRREGULAR = {
    "say": ("said", "says", "saying"),
    "begin": ("began", "begins", "beginning", "begun"),
    "go": ("went", "goes", "going"),
    "tell": ("told", "tells", "telling"),
    "cut": ("cuts", "cutting"),
    "spit": ("spat", "spits", "spitting"),
    "sing": ("sang", "sings", "singing", "sung"),
    "write": ("wrote", "writes", "writing", "written"),
    "read": ("reads", "reading"),
    "think": ("thought", "thinks", "thinking"),
    "speak": ("spoke", "speaks", "speaking", "spoken"),
    "snap": ("snapped", "snaps", "snapping"),
    "sob": ("sobbed", "sobs", "sobbing"),
    "prod": ("prodded", "prods", "prodding"),
    "chat": ("chatted",),
    "admit": ("admitted", "admits", "admitting"),
    "beg": ("begged", "begs", "begging"),
    "quip": ("quipped", "quips", "quipping"),
}


def _inflect(lemma: str) -> set[str]:
    """Regular English inflections of a verb: enough for speech tags."""
    if lemma in _IRREGULAR:
        return {lemma, *_IRREGULAR[lemma]}
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma + "s", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies", lemma + "ing"}
    elif lemma.endswith(("sh", "ch", "ss", "x", "z", "o")):
        forms |= {lemma + "ed", lemma + "es", lemma + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "s", lemma + "ing"}
    return forms


SPEECH_LEMMAS: frozenset[str] = frozenset(_SPEECH_LEMMAS.split())
SPEECH_VERBS: frozenset[str] = frozenset(f for lem in SPEECH_LEMMAS for f in _inflect(lem))
"""Inflected verbs that can tag a quotation ("said", "whispered", "asks")."""

THOUGHT_VERBS: frozenset[str] = frozenset(
    f for lem in ("think", "wonder", "muse", "ponder", "reflect", "reason", "imagine")
    for f in _inflect(lem)
)
WRITTEN_WORDS: frozenset[str] = frozenset(
    ["note", "notes", "card", "cards", "letter", "letters", "wrote", "written", "writes", "write", "read", "reads", "reading", "text", "texted", "message", "messages", "sign", "signs", "scrawled", "scribbled", "typed", "inscription", "label", "headline", "email", "e-mail", "postcard", "telegram", "memo", "poster", "banner", "caption", "printed"]
)
INNER_VOICE_WORDS: frozenset[str] = frozenset(
    ["voice", "head", "mind", "thoughts", "conscience", "inner", "inside"]
)

PRONOUN_GENDER: dict[str, str] = {
    "he": "M", "him": "M", "his": "M", "himself": "M",
    "she": "F", "her": "F", "hers": "F", "herself": "F",
    "they": "N", "them": "N", "themself": "N",
}
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she", "they", "i", "we", "you"})
FIRST_PERSON: frozenset[str] = frozenset({"i", "me", "my", "myself", "we"})

_TITLE_VERBS = """read reads reading write wrote writes written writing call called calls type
typed types text texted texts sing sang sung sings"""
TAG_WORDS: frozenset[str] = (SPEECH_VERBS | SUBJECT_PRONOUNS) - frozenset(_TITLE_VERBS.split())
"""Words that, next to a quotation, say it was speech (not words before a title: "read")."""

ELISIONS: frozenset[str] = frozenset(
    ["tis", "twas", "twere", "twill", "twould", "em", "cause", "cos", "coz", "cuz", "til", "till", "n", "nuff", "bout", "round", "kay", "ello", "ere", "ave", "alf", "appen", "im", "er", "ow", "ome", "ad", "e", "s", "t", "ve", "d", "ll", "re"]
)
"""Words written with a leading apostrophe (’tis, ’em, rock ’n’ roll): not an opening quote."""

_NOUN_LIKE = frozenset(
    ["notes", "questions", "states", "reasons", "offers", "comments", "echoes", "promises", "counters", "reads", "texts", "cheers", "sighs", "laughs", "groans", "moans", "snorts", "gasps", "sobs", "whispers", "murmurs", "calls", "answers", "objects"]
)
TAG_VERBS: frozenset[str] = frozenset(
    f
    for f in SPEECH_VERBS
    if not f.endswith("ing") and (f not in SPEECH_LEMMAS or f in ("cut", "read", "say"))
) - _NOUN_LIKE - {"written", "begun", "sung", "spoken"}
"""Verb forms that make a speech tag: past tense and third person ("said", "asks")."""

_NOT_LEADING = """thinking reading writing typing texting singing going beginning wondering musing
reasoning questioning offering noting stating objecting countering managing finishing cutting"""
SPEECH_PARTICIPLES: frozenset[str] = frozenset(
    f for f in SPEECH_VERBS if f.endswith("ing")
) - frozenset(_NOT_LEADING.split())
"""Speech verbs in -ing that lead into a quotation ("Henry entered, calling out, "...""):
the clause's subject speaks."""

_SPEECH_NOUNS = """reply replies answer answers rejoinder retort remark remarks comment comments
observation response exclamation cry question questions greeting words opening challenge protest
objection inquiry enquiry explanation suggestion salutation ejaculation verdict address reasoning
speech word entreaty appeal"""
SPEECH_NOUNS: frozenset[str] = frozenset(_SPEECH_NOUNS.split())
"""Nouns for an utterance: "..." was his reply / came her answer (the possessor speaks)."""
TAG_AUXILIARIES: frozenset[str] = frozenset(["would", "was", "had", "could", "did", "will", "might"])
"""Between a tag's subject and its verb: "he would cry", "she was saying", "he had said"."""
