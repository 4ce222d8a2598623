"""What the story report shows, computed once in Python and handed to the page as JSON.

The page's script only draws: counts, positions, colours and the emotion arc are decided
here, from the `Document` (or from a contract JSON file read back into one). Every layer may
be empty, because a report must still open on a story where nothing was found.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from typing import Any

from ficlens.document import (
    Chapter,
    Character,
    Document,
    Mention,
    Narration,
    Paratext,
    Quote,
    Relationship,
    Scene,
    Source,
)
from ficlens.emotion import NRC_EMOTIONS, compound, nrc_counts
from ficlens.textunits import paragraph_layout, token_sentences

PALETTE: tuple[str, ...] = (
    "#3b6fd4",
    "#d2473f",
    "#2f9e6e",
    "#b8660b",
    "#8a4fc7",
    "#c2417f",
    "#17879a",
    "#6b7a1f",
    "#a0522d",
    "#4b5fa8",
)
OTHER_COLOUR = "#8b95a1"
MAIN_CAST = 6
TIMELINE_BINS = 200
ARC_SEGMENTS = 10
SENTENCE_END = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'\u201d\u2019]?|\n|$)")
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def document_from_dict(d: dict[str, Any]) -> Document:
    """A Document rebuilt from the contract JSON (no tokens layer; enough for a report)."""
    src = d.get("source") or {}
    doc = Document(
        text=d.get("text", ""),
        source=Source(src.get("path", ""), src.get("format", "txt"), src.get("sha256", "")),
        metadata=d.get("metadata") or {},
    )
    doc.paratext = [Paratext(p["kind"], p["start"], p["end"]) for p in d.get("paratext", [])]
    doc.chapters = [Chapter(c.get("title", ""), c["start"], c["end"]) for c in d.get("chapters", [])]
    doc.scenes = [Scene(s.get("chapter", 0), s["start"], s["end"]) for s in d.get("scenes", [])]
    n = d.get("narration") or {}
    doc.narration = Narration(
        n.get("pov", "third"), n.get("tense", "past"), n.get("narrator"), n.get("focal_character")
    )
    for c in d.get("characters", []):
        kinds = c.get("mention_kinds") or ["name"] * len(c.get("mentions", []))
        doc.characters.append(
            Character(
                id=c["id"],
                name=c.get("name", c["id"]),
                aliases=list(c.get("aliases", [])),
                gender=c.get("gender", "U"),
                mentions=[Mention(s, e, k) for (s, e), k in zip(c.get("mentions", []), kinds, strict=False)],
            )
        )
    doc.quotes = [
        Quote(q["start"], q["end"], q.get("speaker"), list(q.get("addressees", [])), q.get("speech", "spoken"))
        for q in d.get("quotes", [])
    ]
    doc.relationships = [
        Relationship(r["a"], r["b"], r.get("kind", "unknown"), float(r.get("score", 0.0)))
        for r in d.get("relationships", [])
    ]
    doc.warnings = list(d.get("warnings", []))
    doc.layers["consistency"] = list(d.get("consistency", []))
    return doc


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def as_text(value: Any) -> str:
    return ", ".join(as_list(value))


def sentences(doc: Document) -> list[tuple[int, int, list[str]]]:
    """(start, end, lemmas) of each story sentence: from the tokens layer, else a plain split."""
    toks = doc.layers.get("tokens")
    out: list[tuple[int, int, list[str]]] = []
    if toks is not None and len(toks):
        for a, b in token_sentences(doc):
            out.append((toks.start[a], toks.end[b - 1], [toks.lemma[i].lower() for i in range(a, b)]))
        return out
    for rs, re_ in doc.story_regions():
        for m in SENTENCE_END.finditer(doc.text, rs, re_):
            words = [w.lower() for w in WORD.findall(m.group())]
            if words:
                out.append((m.start(), m.end(), words))
    return out


def arc_units(doc: Document) -> tuple[str, list[tuple[int, int, str]]]:
    """Scenes when there are enough of them to draw an arc, else equal stretches of story."""
    if len(doc.scenes) >= 3:
        return "scene", [
            (s.start, s.end, f"Scene {i + 1} (ch. {s.chapter + 1})") for i, s in enumerate(doc.scenes)
        ]
    regions = list(doc.story_regions())
    total = sum(e - s for s, e in regions)
    if not total:
        return "segment", []
    bounds = [round(total * k / ARC_SEGMENTS) for k in range(ARC_SEGMENTS + 1)]
    units = []
    # Map "story characters so far" back to text offsets, region by region.
    acc, r = 0, 0
    starts: list[int] = []
    for target in bounds:
        while r < len(regions) - 1 and acc + (regions[r][1] - regions[r][0]) < target:
            acc += regions[r][1] - regions[r][0]
            r += 1
        starts.append(regions[r][0] + (target - acc))
    for k in range(ARC_SEGMENTS):
        units.append((starts[k], starts[k + 1], f"{10 * k}\u2013{10 * (k + 1)}%"))
    return "segment", units


def emotion_arc(doc: Document, main: list[str]) -> dict[str, Any]:
    """VADER polarity and NRC emotions per scene (or segment), overall and per main character."""
    unit_kind, units = arc_units(doc)
    unit_starts = [u[0] for u in units]
    sents = sentences(doc)
    sent_starts = [s for s, _, _ in sents]
    who: dict[int, set[str]] = defaultdict(set)
    main_set = set(main)
    for c in doc.characters:
        if c.id not in main_set:
            continue
        for m in c.mentions:
            i = bisect_right(sent_starts, m.start) - 1
            if i >= 0:
                who[i].add(c.id)
    for q in doc.quotes:
        if q.speaker in main_set:
            i = bisect_right(sent_starts, q.start) - 1
            if i >= 0:
                who[i].add(q.speaker)
    n = len(units)
    pol_sum = [0.0] * n
    pol_n = [0] * n
    nrc = [dict.fromkeys(NRC_EMOTIONS, 0) for _ in range(n)]
    words = [0] * n
    char_sum: dict[str, list[float]] = {cid: [0.0] * n for cid in main}
    char_n: dict[str, list[int]] = {cid: [0] * n for cid in main}
    char_nrc: dict[str, Counter[str]] = {cid: Counter() for cid in main}
    text = doc.text
    for si, (s, e, lemmas) in enumerate(sents):
        u = bisect_right(unit_starts, s) - 1
        if u < 0 or u >= n or s >= units[u][1]:
            continue
        score = compound(text[s:e])
        counts, k = nrc_counts(lemmas)
        pol_sum[u] += score
        pol_n[u] += 1
        words[u] += k
        for emo in NRC_EMOTIONS:
            nrc[u][emo] += counts[emo]
        for cid in who.get(si, ()):
            char_sum[cid][u] += score
            char_n[cid][u] += 1
            char_nrc[cid].update({emo: counts[emo] for emo in NRC_EMOTIONS})
    size = max(len(text), 1)
    points = []
    for u, (s, e, label) in enumerate(units):
        w = max(words[u], 1)
        points.append(
            {
                "start": s,
                "end": e,
                "pos": round((s + e) / 2 / size, 4),
                "label": label,
                "polarity": round(pol_sum[u] / pol_n[u], 3) if pol_n[u] else None,
                "nrc": {emo: round(100.0 * nrc[u][emo] / w, 2) for emo in NRC_EMOTIONS},
                "characters": {
                    cid: round(char_sum[cid][u] / char_n[cid][u], 3)
                    for cid in main
                    if char_n[cid][u]
                },
            }
        )
    profiles = {
        cid: [emo for emo, v in char_nrc[cid].most_common(2) if v > 0] for cid in main
    }
    return {"unit": unit_kind, "points": points, "dominant": profiles}


def story_payload(doc: Document) -> dict[str, Any]:
    """Everything the story page draws, as plain JSON-able data."""
    text = doc.text
    size = max(len(text), 1)
    md = doc.metadata or {}
    chapter_starts = [c.start for c in doc.chapters]

    def chapter_of(offset: int) -> int:
        return max(bisect_right(chapter_starts, offset) - 1, 0)

    quote_n: Counter[str] = Counter()
    spoken: Counter[str] = Counter()
    for q in doc.quotes:
        if q.speaker and q.speech != "other":
            quote_n[q.speaker] += 1
            spoken[q.speaker] += len(text[q.start : q.end].split())
    ranked = sorted(
        doc.characters,
        key=lambda c: (-(c.mention_count + 3 * quote_n[c.id]), c.name.lower()),
    )
    index = {c.id: i for i, c in enumerate(ranked)}
    main = [c.id for c in ranked[:MAIN_CAST] if c.mention_count + quote_n[c.id] > 0]
    total_spoken = sum(spoken.values()) or 1

    cast = []
    for i, c in enumerate(ranked):
        positions = sorted(
            [m.start for m in c.mentions]
            + [q.start for q in doc.quotes if q.speaker == c.id]
        )
        bins = [0] * TIMELINE_BINS
        for p in (m.start for m in c.mentions):
            bins[min(TIMELINE_BINS - 1, p * TIMELINE_BINS // size)] += 1
        first = positions[0] if positions else None
        last = positions[-1] if positions else None
        cast.append(
            {
                "id": c.id,
                "name": c.name,
                "aliases": [a for a in c.aliases if a != c.name],
                "gender": c.gender,
                "mentions": c.mention_count,
                "quotes": quote_n[c.id],
                "words": spoken[c.id],
                "share": round(spoken[c.id] / total_spoken, 4),
                "first": None if first is None else round(first / size, 4),
                "last": None if last is None else round(last / size, 4),
                "firstAt": first,
                "lastAt": last,
                "firstChapter": None if first is None or not doc.chapters else chapter_of(first) + 1,
                "lastChapter": None if last is None or not doc.chapters else chapter_of(last) + 1,
                "colour": PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR,
                "main": c.id in main,
                "bins": bins if c.mentions else [],
            }
        )

    quotes = [
        [
            q.start,
            q.end,
            index.get(q.speaker, -1) if q.speaker else -1,
            [index[a] for a in q.addressees if a in index],
            q.speech,
        ]
        for q in sorted(doc.quotes, key=lambda q: q.start)
    ]
    edges: Counter[tuple[int, int]] = Counter()
    for _, _, sp, addressees, _ in quotes:
        for a in addressees:
            if sp >= 0 and a != sp:
                edges[(min(sp, a), max(sp, a))] += 1
    relationships = [
        {"a": index[r.a], "b": index[r.b], "kind": r.kind, "score": round(r.score, 3)}
        for r in doc.relationships
        if r.a in index and r.b in index and r.a != r.b
    ]
    pairing = None
    if relationships:
        top = relationships[0]
        pairing = {"a": top["a"], "b": top["b"], "kind": top["kind"]}
    narrator = doc.character(doc.narration.narrator)
    focal = doc.character(doc.narration.focal_character)
    warnings = []
    for w in doc.layers.get("consistency", []) or []:
        s = max(0, min(int(w.get("start", 0)), len(text)))
        e = max(s, min(int(w.get("end", s)), len(text)))
        warnings.append({"kind": str(w.get("kind", "")), "start": s, "end": e, "message": str(w.get("message", ""))})
    return {
        "meta": {
            "title": as_text(md.get("title")) or doc.source.path.rsplit("/", 1)[-1] or "Untitled",
            "authors": as_list(md.get("authors")),
            "fandoms": as_list(md.get("fandoms")),
            "rating": as_text(md.get("rating")),
            "language": as_text(md.get("language")),
            "summary": as_text(md.get("summary")),
            "tags": as_list(md.get("relationships")) + as_list(md.get("tags")),
            "pov": doc.narration.pov,
            "tense": doc.narration.tense,
            "narrator": narrator.name if narrator else None,
            "focal": focal.name if focal else None,
            "words": doc.word_count(),
            "source": doc.source.path,
            "format": doc.source.format,
        },
        "pairing": pairing,
        "text": text,
        "paragraphs": paragraph_layout(doc),
        "paratext": [[p.kind, p.start, p.end] for p in sorted(doc.paratext, key=lambda p: p.start)],
        "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in doc.chapters],
        "scenes": [{"chapter": s.chapter, "start": s.start, "end": s.end} for s in doc.scenes],
        "characters": cast,
        "quotes": quotes,
        "edges": [[a, b, n] for (a, b), n in sorted(edges.items())],
        "relationships": relationships,
        "arc": emotion_arc(doc, main),
        "warnings": sorted(warnings, key=lambda w: w["start"]),
        "docWarnings": [str(w) for w in doc.warnings],
    }
