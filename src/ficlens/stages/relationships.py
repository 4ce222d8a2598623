"""The `relationships` stage: which characters are bound together, how, and how strongly.

Evidence per pair, gathered paragraph by paragraph in one pass over sorted mentions:
- sharing a paragraph (names, pronouns and the narrator's "I" all count, after coref);
- speaking to each other (quote speaker -> addressees, from the speakers stage), once per
  paragraph, so that one long call written as a single paragraph does not outweigh a story;
- words of a kind of bond in the paragraphs they share (love, kiss -> romantic; mother,
  sister -> family; agent, boss, office -> professional; friend -> friendship; hate, fight ->
  adversarial), plus terms of address inside their quotes ("darling", "sir");
- romantic cues with no second character near them ("your heart does something") are a
  character's inner state, credited to that character's central partner;
- pet names both ways: two who call each other by aliases the narration never uses ("Tom" for
  the man the narration calls "the Inspector", "Ash" for Maggie) are intimates;
- the central pair, when romance is at least as cued as any other bond, is romantic: the
  central pair of a fan fiction is usually its ship;
- AO3 relationship tags in the metadata ("A/B" romantic, "A & B" friendship), which are
  the author's own statement and outweigh everything else.
The score is the pair's evidence over the strongest pair's, so the central pair comes first.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import combinations

from ficlens.document import Document, Relationship
from ficlens.names import TITLES, fold, word_set
from ficlens.pipeline import Config, stage

WORD = re.compile(r"[a-z]+")
CUES: dict[str, frozenset[str]] = {
    "romantic": word_set(
        """love loved loves loving lover lovers kiss kissed kisses kissing heart darling
        sweetheart honey beloved husband wife boyfriend girlfriend fiance fiancee married
        marry wedding embrace embraced caress caressed desire romance romantic passion
        lips bed date jealous adore adored blush blushed blushes blushing court courted
        courting courtship flirt flirted flirting crush cuddle cuddled swoon smitten
        butterflies dating"""
    ),
    "family": word_set(
        """mother father mom dad mum mama papa sister brother son daughter aunt uncle niece
        nephew cousin grandmother grandfather grandma grandpa family parents sibling twin"""
    ),
    "professional": word_set(
        """agent agents boss sir colleague colleagues partner task force work job office
        case mission team director assistant client employer employee meeting fbi business
        professor student teacher pupil mentor lesson lessons captain orders"""
    ),
    "friendship": word_set("friend friends friendship friendly buddy pal mate mates comrade"),
    "adversarial": word_set(
        """enemy enemies hate hated hates fight fought kill killed threat threatened rival
        betray betrayed revenge attack attacked hurt"""
    ),
}
WEIGHT = {"romantic": 1.0, "family": 1.2, "professional": 0.8, "friendship": 1.0, "adversarial": 0.9}
MAX_PER_PARAGRAPH = 6
CUE_WINDOW = 80
"""Characters mentioned within this many characters of a cue word share it."""
MAX_PAIRS = 20


def paragraph_bounds(doc: Document) -> list[tuple[int, int]]:
    out = []
    for rs, re_ in doc.story_regions():
        pos = rs
        while pos < re_:
            nl = doc.text.find("\n", pos, re_)
            end = re_ if nl < 0 else nl
            if doc.text[pos:end].strip():
                out.append((pos, end))
            pos = end + 1
    return out


def count_cues(
    text: str,
    ps: int,
    pe: int,
    local: list[tuple[int, str]],
    people: set[str],
    cues: dict[tuple[str, str], Counter[str]],
    solo: Counter[str] | None = None,
) -> None:
    """Credit each cue word to the pairs of characters mentioned close to it (names, pronouns,
    speakers), so "tell her I love her" said to a colleague does not make him a lover. A
    romantic cue near one character only is counted in `solo` for that character."""
    offsets = [o for o, _ in local]
    for m in WORD.finditer(text.lower(), ps, pe):
        w = m.group()
        kinds = [k for k, lex in CUES.items() if w in lex]
        if not kinds:
            continue
        lo = bisect_left(offsets, m.start() - CUE_WINDOW)
        hi = bisect_right(offsets, m.end() + CUE_WINDOW)
        near = sorted({cid for _, cid in local[lo:hi] if cid in people})
        if len(near) == 1 and solo is not None and "romantic" in kinds:
            solo[near[0]] += 1
        for pair in combinations(near, 2):
            for k in kinds:
                cues[pair][k] += 1


def metadata_pairs(doc: Document) -> list[tuple[str, str, str]]:
    """(id, id, kind) for AO3 relationship tags (or a plain-text header's "Pairing:") whose
    names match characters; "Reader" is a reader-insert story's Y/N."""
    tags = doc.metadata.get("relationships") or []
    if isinstance(tags, str):
        tags = [tags]
    names: dict[str, str] = {}
    for c in doc.characters:
        for a in [c.name, *c.aliases]:
            names.setdefault(fold(a), c.id)
            for part in a.split():
                names.setdefault(fold(part), c.id)

    reader = next((c.id for c in doc.characters if c.extra.get("reader_insert")), None)
    if reader is not None:
        for word in ("reader", "you", "y/n"):
            names.setdefault(word, reader)

    def find(name: str) -> str | None:
        key = fold(re.sub(r"\(.*?\)", "", name))
        if key in names:
            return names[key]
        for part in key.split():
            if part in names:
                return names[part]
        return None

    out = []
    for tag in tags:
        kind, sep = ("romantic", "/") if "/" in tag else ("friendship", "&")
        people = [find(p) for p in tag.split(sep)]
        ids = [p for p in people if p]
        for a, b in combinations(dict.fromkeys(ids), 2):
            out.append((a, b, kind))
    return out


def build_relationships(doc: Document) -> list[Relationship]:
    if len(doc.characters) < 2:
        return []
    mentions = sorted((m.start, c.id) for c in doc.characters for m in c.mentions)
    quotes = sorted(doc.quotes, key=lambda q: q.start)
    cooc: Counter[tuple[str, str]] = Counter()
    talk: Counter[tuple[str, str]] = Counter()
    cues: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    solo: Counter[str] = Counter()
    text = doc.text
    mi = qi = 0
    for ps, pe in paragraph_bounds(doc):
        local: list[tuple[int, str]] = []
        while mi < len(mentions) and mentions[mi][0] < pe:
            if mentions[mi][0] >= ps:
                local.append(mentions[mi])
            mi += 1
        present: Counter[str] = Counter(cid for _, cid in local)
        talked: set[tuple[str, str]] = set()
        while qi < len(quotes) and quotes[qi].start < pe:
            q = quotes[qi]
            if q.start >= ps and q.speaker:
                present[q.speaker] += 1
                local.append((q.start, q.speaker))
                for a in q.addressees:
                    if a != q.speaker:
                        talked.add(tuple(sorted((q.speaker, a))))  # type: ignore[arg-type]
                        present[a] += 1
                        local.append((q.start, a))
            qi += 1
        talk.update(talked)  # a paragraph of talk counts once: a long phone call is one exchange
        local.sort()
        if len(present) < 2:
            count_cues(text, ps, pe, local, set(present), cues, solo)
            continue
        people = sorted(cid for cid, _ in present.most_common(MAX_PER_PARAGRAPH))
        for pair in combinations(people, 2):
            cooc[pair] += 1
        count_cues(text, ps, pe, local, set(people), cues, solo)
    declared = {tuple(sorted((a, b))): kind for a, b, kind in metadata_pairs(doc)}
    raw: dict[tuple[str, str], float] = {}
    for pair in set(cooc) | set(talk) | set(declared):
        raw[pair] = cooc[pair] + 2 * talk[pair] + (10 if pair in declared else 0)
    top = max(raw.values(), default=0.0)
    if top <= 0:
        return []
    credit_solo_romance(solo, raw, cues)
    for pair in pet_names(doc):
        if pair in raw:
            cues[pair]["romantic"] += 2
    rels = []
    for pair, value in sorted(raw.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PAIRS]:
        if value < 2 and pair not in declared:
            continue
        votes = {k: WEIGHT[k] * v for k, v in cues[pair].items()}
        kind = declared.get(pair) or choose_kind(votes)
        rels.append(
            Relationship(
                a=pair[0],
                b=pair[1],
                kind=kind,
                score=round(value / top, 3),
                extra={
                    "cooccurrence": cooc[pair],
                    "dialogue": talk[pair],
                    "cues": dict(cues[pair]),
                    "declared": pair in declared,
                },
            )
        )
    rels = settle_romance(rels, cues, declared)
    central = rels[0] if rels else None
    if central is not None and central.kind == "unknown":
        votes = cues[(central.a, central.b)]
        if votes["romantic"] and votes["romantic"] >= max(votes.values()):
            central.kind = "romantic"  # fan fiction's central pair is its ship: one cue suffices
    return rels


def credit_solo_romance(
    solo: Counter[str], raw: dict[tuple[str, str], float], cues: dict[tuple[str, str], Counter[str]]
) -> None:
    """A character's own romantic inner state ("her heart raced") concerns her central partner:
    the pair with the most evidence that includes her."""
    for cid, n in solo.items():
        pairs = [p for p in raw if cid in p]
        if pairs:
            cues[max(pairs, key=lambda p: (raw[p], p))]["romantic"] += n


def pet_names(doc: Document) -> list[tuple[str, str]]:
    """Sorted id pairs where each names the other inside quotes by an alias that the narration
    never uses and that carries no title ("You'll catch your death, Tom." / "Ash."): private
    names both ways mark intimates. One way only is common between friends ("Ratty")."""
    quotes = sorted((q.start, q.end, q.speaker or "") for q in doc.quotes)
    starts = [q[0] for q in quotes]
    out: set[tuple[str, str, str]] = set()
    for c in doc.characters:
        names = [m for m in c.mentions if m.kind == "name"]
        narrated: set[str] = set()
        quoted: list[tuple[str, str]] = []
        for m in names:
            alias = doc.text[m.start : m.end]
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= quotes[i][1]:
                quoted.append((alias, quotes[i][2]))
            else:
                narrated.add(alias)
        if not narrated:
            continue
        for alias, speaker in quoted:
            first = alias.split()[0].rstrip(".").lower()
            if alias in narrated or first in TITLES or not speaker or speaker == c.id:
                continue
            out.add((speaker, c.id, alias))
    directed = {(s, a) for s, a, _ in out}
    return [(s, a) for s, a in directed if s < a and (a, s) in directed]


def choose_kind(votes: dict[str, float], exclude: str | None = None) -> str:
    best = max(
        ((k, v) for k, v in votes.items() if k != exclude), key=lambda kv: kv[1], default=None
    )
    return best[0] if best and best[1] >= 2 else "unknown"


def settle_romance(
    rels: list[Relationship],
    cues: dict[tuple[str, str], Counter[str]],
    declared: dict[tuple[str, str], str],
) -> list[Relationship]:
    """Love words spill over onto bystanders ("tell her I love her", said to a colleague): a
    character keeps as romantic only the pairs whose romantic cues reach half of their
    strongest romance; the others take their next best kind."""
    strongest: Counter[str] = Counter()
    for r in rels:
        if r.kind == "romantic":
            n = cues[(r.a, r.b)]["romantic"]
            for cid in (r.a, r.b):
                strongest[cid] = max(strongest[cid], n)
    for r in rels:
        pair = (r.a, r.b)
        if r.kind != "romantic" or pair in declared:
            continue
        n = cues[pair]["romantic"]
        if n < 0.5 * strongest[r.a] or n < 0.5 * strongest[r.b]:
            votes = {k: WEIGHT[k] * v for k, v in cues[pair].items()}
            r.kind = choose_kind(votes, exclude="romantic")
    return rels


@stage("relationships", requires=("characters", "coref", "speakers"), provides=("relationships",))
def relationships_stage(doc: Document, config: Config) -> None:
    doc.relationships = build_relationships(doc)
