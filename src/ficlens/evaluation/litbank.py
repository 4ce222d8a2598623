"""LitBank: load the ~2,000-word annotated excerpts and score ficlens on them.

LitBank gives each excerpt as tokenised text (one sentence a line, tokens split by spaces)
with annotations in token offsets (`quotations/tsv`, `coref/tsv`: sentence, token) or in
character offsets of that tokenised text (`entities/brat`). Tokenised text ("Do n't", "“ Hi")
reads badly to a quote finder and loses paragraphs, so we rebuild natural text: each token
is aligned to the full Gutenberg text in `original/`, which tells whether a space or a
paragraph break stood before it. Every gold span is then a span of that rebuilt text.
When alignment fails, punctuation rules decide the spacing and paragraphs are lost.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ficlens.document import Document, Source
from ficlens.evaluation import metrics
from ficlens.evaluation.paths import shared_dir
from ficlens.pipeline import Config, Pipeline

QUOTE_MARKS = frozenset("\"'“”‘’«»")
NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "”", "’", "n't", "'s", "’s"})
NO_SPACE_AFTER = frozenset({"(", "[", "“", "‘"})
ALIGN_WINDOW = 40


def litbank_dir() -> Path:
    return shared_dir() / "data" / "litbank"


@dataclass
class GoldQuote:
    """A LitBank quotation without its marks, as a span of the rebuilt text."""

    start: int
    end: int
    speaker: str | None


@dataclass
class GoldMention:
    """A LitBank coreference mention: `category` PER/FAC/..., `kind` PROP/NOM/PRON."""

    start: int
    end: int
    category: str
    kind: str
    entity: str | None = None


@dataclass
class LitbankDoc:
    name: str
    text: str
    quotes: list[GoldQuote] = field(default_factory=list)
    mentions: list[GoldMention] = field(default_factory=list)
    entities: list[GoldMention] = field(default_factory=list)
    aligned: float = 0.0
    """Share of tokens found in the original text (1.0 = spacing and paragraphs are real)."""

    def characters(self) -> dict[str, set[str]]:
        """Gold PER entities with the names the excerpt uses for them (PROP mentions, else NOM)."""
        prop: dict[str, set[str]] = defaultdict(set)
        nom: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            if m.category != "PER" or m.entity is None:
                continue
            surface = self.text[m.start : m.end]
            if m.kind == "PROP":
                prop[m.entity].add(surface)
            elif m.kind == "NOM":
                nom[m.entity].add(surface)
        out: dict[str, set[str]] = {}
        for ent in set(prop) | set(nom):
            out[ent] = prop.get(ent) or nom[ent]
        return out

    def cast(self) -> list[tuple[str, list[str]]]:
        """The gold cast for `Config(cast=...)`: PER entities with a proper name."""
        names: dict[str, Counter[str]] = defaultdict(Counter)
        for m in self.mentions:
            if m.category == "PER" and m.kind == "PROP" and m.entity:
                names[m.entity][self.text[m.start : m.end]] += 1
        cast = []
        for counts in names.values():
            main = max(counts, key=lambda s: (len(s.split()), counts[s], s))
            cast.append((main, sorted(a for a in counts if a != main)))
        return cast


def read_sentences(path: Path) -> list[list[str]]:
    """Tokens of a LitBank .txt: one sentence a line, tokens split by single spaces."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split(" ") if line else [] for line in lines]


def parse_quotations(path: Path) -> tuple[list[tuple[str, int, int, int, int]], dict[str, str]]:
    """QUOTE rows as (id, sent, tok, end sent, end tok inclusive) and ATTRIB id -> speaker."""
    quotes: list[tuple[str, int, int, int, int]] = []
    speakers: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if cols[0] == "QUOTE" and len(cols) >= 6:
            quotes.append((cols[1], int(cols[2]), int(cols[3]), int(cols[4]), int(cols[5])))
        elif cols[0] == "ATTRIB" and len(cols) >= 3:
            speakers[cols[1]] = cols[2]
    return quotes, speakers


def parse_coref(path: Path) -> list[tuple[str, int, int, int, int, str, str, str | None]]:
    """MENTION rows as (id, sent, tok, end sent, end tok inclusive, category, kind, entity)."""
    rows: list[tuple[str, int, int, int, int, str, str]] = []
    entity: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if cols[0] == "MENTION" and len(cols) >= 9:
            rows.append(
                (cols[1], int(cols[2]), int(cols[3]), int(cols[4]), int(cols[5]), cols[7], cols[8])
            )
        elif cols[0] == "COREF" and len(cols) >= 3:
            entity[cols[1]] = cols[2]
    return [(*r, entity.get(r[0])) for r in rows]


def parse_brat_entities(path: Path) -> list[tuple[int, int, str]]:
    """Entity spans of a brat .ann: (start, end, label) in characters of the tokenised .txt."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 2 and cols[0].startswith("T"):
            label, *offsets = cols[1].split(" ")
            if len(offsets) == 2:
                out.append((int(offsets[0]), int(offsets[1]), label))
    return out


def find_excerpt(original: str, sentences: list[list[str]]) -> int:
    """Character offset in `original` where the excerpt's first tokens occur, or -1."""
    flat = [t for sent in sentences for t in sent][:12]
    for n in (12, 8, 5):
        pattern = r"[\s_]*".join(re.escape(t) for t in flat[:n])
        m = re.search(pattern, original)
        if m:
            return m.start()
    return -1


def align(original: str, sentences: list[list[str]]) -> tuple[list[str], int]:
    """For each token, the separator to put before it (``, ` ` or `\\n\\n`); and tokens aligned.

    Walks the original once; a token that is not where expected is searched a little ahead,
    so a stray underscore (Gutenberg italics) or a normalised character does not derail it.
    """
    pos = find_excerpt(original, sentences)
    seps: list[str] = []
    found = 0
    first = True
    for sent in sentences:
        for tok in sent:
            if pos < 0:
                seps.append("" if first else " ")
                first = False
                continue
            near = pos
            while near < len(original) and original[near].isspace():
                near += 1
            at = original.find(tok, near, near + ALIGN_WINDOW + len(tok))
            if at < 0:
                seps.append("" if first else " ")
                first = False
                continue
            gap = original[pos:at]
            found += 1
            if first:
                seps.append("")
            elif gap.count("\n") >= 2:
                seps.append("\n\n")
            elif gap and (gap.isspace() or any(c.isspace() for c in gap)):
                seps.append(" ")
            else:
                seps.append("")
            first = False
            pos = at + len(tok)
    return seps, found


def heuristic_separators(sentences: list[list[str]]) -> list[str]:
    """Separators from punctuation rules alone, for excerpts the original cannot place."""
    seps: list[str] = []
    prev = None
    for sent in sentences:
        for tok in sent:
            if prev is None or tok in NO_SPACE_BEFORE or prev in NO_SPACE_AFTER:
                seps.append("")
            else:
                seps.append(" ")
            prev = tok
    return seps


def rebuild(
    sentences: list[list[str]], original: str | None
) -> tuple[str, list[list[tuple[int, int]]], float]:
    """Natural text of the excerpt and the (start, end) of every token, per sentence."""
    n_tokens = sum(len(s) for s in sentences)
    aligned = 0.0
    seps: list[str] | None = None
    if original:
        seps, found = align(original, sentences)
        aligned = found / n_tokens if n_tokens else 0.0
        if aligned < 0.9:
            seps = None
    if seps is None:
        seps = heuristic_separators(sentences)
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    pos = 0
    k = 0
    for sent in sentences:
        row = []
        for tok in sent:
            sep = seps[k]
            k += 1
            parts.append(sep)
            pos += len(sep)
            parts.append(tok)
            row.append((pos, pos + len(tok)))
            pos += len(tok)
        offsets.append(row)
    return "".join(parts), offsets, aligned


def token_span(
    offsets: list[list[tuple[int, int]]], s: int, t: int, es: int, et: int
) -> tuple[int, int]:
    """Characters covered by tokens (s, t) .. (es, et), both inclusive."""
    return offsets[s][t][0], offsets[es][et][1]


def strip_marks(sentences: list[list[str]], s: int, t: int, es: int, et: int) -> tuple[int, int, int, int]:
    """Drop quotation-mark tokens at either end of a quote, as the contract's spans exclude them."""
    while (s, t) < (es, et) and sentences[s][t] in QUOTE_MARKS:
        t += 1
        if t >= len(sentences[s]):
            s, t = s + 1, 0
    while (es, et) > (s, t) and sentences[es][et] in QUOTE_MARKS:
        et -= 1
        if et < 0:
            es -= 1
            et = len(sentences[es]) - 1
    return s, t, es, et


def original_for(name: str, root: Path) -> str | None:
    path = root / "original" / f"{name.removesuffix('_brat')}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def load_doc(name: str, root: Path | None = None) -> LitbankDoc:
    """One LitBank excerpt (e.g. `76_adventures_of_huckleberry_finn_brat`) with all its gold."""
    root = root or litbank_dir()
    sentences = read_sentences(root / "coref" / "tsv" / f"{name}.txt")
    text, offsets, aligned = rebuild(sentences, original_for(name, root))
    doc = LitbankDoc(name=name, text=text, aligned=aligned)
    qpath = root / "quotations" / "tsv" / f"{name}.ann"
    if qpath.exists():
        rows, speakers = parse_quotations(qpath)
        for qid, s, t, es, et in rows:
            s, t, es, et = strip_marks(sentences, s, t, es, et)
            start, end = token_span(offsets, s, t, es, et)
            doc.quotes.append(GoldQuote(start, end, speakers.get(qid)))
    cpath = root / "coref" / "tsv" / f"{name}.ann"
    if cpath.exists():
        for _, s, t, es, et, cat, kind, ent in parse_coref(cpath):
            start, end = token_span(offsets, s, t, es, et)
            doc.mentions.append(GoldMention(start, end, cat, kind, ent))
    epath = root / "entities" / "brat" / f"{name}.ann"
    if epath.exists():
        char_to_token = brat_token_index(sentences)
        for bs, be, label in parse_brat_entities(epath):
            if be <= bs or bs not in char_to_token or (be - 1) not in char_to_token:
                continue
            (s, t), (es, et) = char_to_token[bs], char_to_token[be - 1]
            start, end = token_span(offsets, s, t, es, et)
            doc.entities.append(GoldMention(start, end, label, "ENT"))
    return doc


def brat_token_index(sentences: list[list[str]]) -> dict[int, tuple[int, int]]:
    """Character offset of the tokenised .txt -> (sentence, token) of the token covering it."""
    out: dict[int, tuple[int, int]] = {}
    pos = 0
    for si, sent in enumerate(sentences):
        for ti, tok in enumerate(sent):
            for k in range(len(tok)):
                out[pos + k] = (si, ti)
            pos += len(tok) + 1
        if not sent:
            pos += 1
    return out


def doc_names(root: Path | None = None) -> list[str]:
    """Names of the annotated excerpts: those with quotations first (so `--limit` runs
    exercise speakers), each group in name order."""
    root = root or litbank_dir()
    paths = sorted((root / "quotations" / "tsv").glob("*.ann"))
    return [p.stem for p in sorted(paths, key=lambda p: p.stat().st_size == 0)]


def evaluate_doc(doc: LitbankDoc, use_gold_cast: bool = False) -> dict[str, Any]:
    """Run ficlens on one excerpt (as a plain-text story); return summable counts."""
    pipeline = Pipeline(config=Config(cast=doc.cast())) if use_gold_cast else default_pipeline()
    sdoc = pipeline(Document(text=doc.text, source=Source(path=doc.name, format="txt", sha256="")))
    row = score_doc(doc, sdoc)
    extra = character_scores(doc, sdoc)
    if extra is not None:
        row["characters"] = extra
    return row


def default_pipeline() -> Pipeline:
    """The pipeline `ficlens analyze` uses, built once per process."""
    from ficlens.api import default_pipeline as api_pipeline

    return api_pipeline()


def character_scores(doc: LitbankDoc, sdoc: Document) -> dict[str, Any] | None:
    """The character engineer's coreference scores (evaluation/characters.py `score_coref`)
    on the same analysed excerpt, so the excerpt is not analysed twice; None if absent."""
    try:
        from ficlens.evaluation.characters import score_coref
    except ImportError:
        return None
    return score_coref(doc, sdoc) if doc.mentions else None


def score_doc(doc: LitbankDoc, sdoc: Document) -> dict[str, Any]:
    """Compare one analysed Document with the excerpt's gold. LitBank marks speech only, so
    system quotes judged `other` (titles, scare quotes) are left out, as in the PDNC scoring."""
    gold_spans = [(q.start, q.end) for q in doc.quotes]
    sys_quotes = [q for q in sdoc.quotes if q.speech != "other"]
    sys_spans = [(q.start, q.end) for q in sys_quotes]
    matched = metrics.match_spans(gold_spans, sys_spans)
    gold_chars = doc.characters()
    sys_chars = [(c.id, [c.name, *c.aliases]) for c in sdoc.characters]
    cmap = metrics.map_characters(gold_chars, sys_chars)
    speaker_of = [q.speaker for q in sys_quotes]
    attributable = [i for i, q in enumerate(doc.quotes) if q.speaker]
    correct = sum(
        1
        for i in attributable
        if i in matched and cmap.get(speaker_of[matched[i]] or "") == doc.quotes[i].speaker
    )
    out: dict[str, Any] = {
        "name": doc.name,
        "aligned": doc.aligned,
        "gold_quotes": len(gold_spans),
        "sys_quotes": len(sys_spans),
        "matched_quotes": len(matched),
        "attributable": len(attributable),
        "speaker_correct": correct,
    }
    out.update(score_mentions(doc, sdoc, cmap))
    return out


def score_mentions(doc: LitbankDoc, sdoc: Document, cmap: dict[str, str | None]) -> dict[str, Any]:
    """Name mentions vs LitBank PROP PER entities; coreference of PER mentions (see docs).

    A matched gold mention is resolved right when the system character holding it maps, by
    shared names (`cmap`, as for speakers), to the mention's gold entity; `purity` instead maps
    each system character to the gold entity most of its own matched mentions belong to."""
    sys_mentions = [
        (m.start, m.end, c.id, m.kind) for c in sdoc.characters for m in c.mentions
    ]
    names = [(s, e) for s, e, _, kind in sys_mentions if kind == "name"]
    gold_names = [(m.start, m.end) for m in doc.mentions if m.category == "PER" and m.kind == "PROP"]
    name_match = metrics.match_mentions(gold_names, names)
    gold_ents = [(m.start, m.end) for m in doc.entities if m.category == "PER"]
    ent_match = metrics.match_mentions(gold_ents, [(s, e) for s, e, _, k in sys_mentions if k != "pronoun"])
    gold_per = [m for m in doc.mentions if m.category == "PER" and m.entity]
    pairs = metrics.match_mentions([(m.start, m.end) for m in gold_per], [(s, e) for s, e, _, _ in sys_mentions])
    gold_cluster = {gi: gold_per[gi].entity for gi in pairs}
    sys_cluster = {gi: sys_mentions[si][2] for gi, si in pairs.items()}
    acc = metrics.cluster_accuracy(gold_cluster, sys_cluster)
    anchored = {gi: cmap.get(sys_cluster[gi]) == gold_cluster[gi] for gi in pairs}
    b3 = metrics.b_cubed(gold_cluster, sys_cluster)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for gi, m in enumerate(gold_per):
        by_kind[m.kind][0] += 1
        if gi in pairs:
            by_kind[m.kind][1] += 1
            by_kind[m.kind][2] += anchored[gi]
    out: dict[str, Any] = {
        "gold_names": len(gold_names),
        "sys_names": len(names),
        "matched_names": len(name_match),
        "gold_per_entities": len(gold_ents),
        "matched_per_entities": len(ent_match),
        "gold_per_mentions": len(gold_per),
        "sys_mentions": len(sys_mentions),
        "matched_mentions": len(pairs),
        "coref_correct": sum(anchored.values()),
        "coref_pure": sum(acc.correct.values()),
        "b3_p_sum": b3[0] * len(pairs),
        "b3_r_sum": b3[1] * len(pairs),
    }
    for kind, (n, found, ok) in by_kind.items():
        out[f"per_{kind}_gold"] = n
        out[f"per_{kind}_matched"] = found
        out[f"per_{kind}_correct"] = ok
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Micro-averaged rates from summed per-document counts."""
    total: Counter[str] = Counter()
    for r in rows:
        for k, v in r.items():
            if isinstance(v, int | float) and k != "aligned":
                total[k] += v
    return {**{k: v for k, v in total.items() if k.startswith(("gold_", "sys_", "matched_"))}, **rates(total)}


def rates(c: Any) -> dict[str, float]:
    """Precision/recall/F1 and accuracies from counts (a row or summed rows)."""
    qp, qr, qf = metrics.prf(c["matched_quotes"], c["sys_quotes"], c["gold_quotes"])
    np_, nr, nf = metrics.prf(c["matched_names"], c["sys_names"], c["gold_names"])
    m = c["matched_mentions"]
    out = {
        "quote_precision": qp,
        "quote_recall": qr,
        "quote_f1": qf,
        "speaker_accuracy": metrics.ratio(c["speaker_correct"], c["attributable"]),
        "name_precision": np_,
        "name_recall": nr,
        "name_f1": nf,
        "per_entity_recall": metrics.ratio(c["matched_per_entities"], c["gold_per_entities"]),
        "per_mention_recall": metrics.ratio(m, c["gold_per_mentions"]),
        "coref_accuracy": metrics.ratio(c["coref_correct"], m),
        "coref_purity": metrics.ratio(c["coref_pure"], m),
        "coref_b3_p": metrics.ratio(c["b3_p_sum"], m),
        "coref_b3_r": metrics.ratio(c["b3_r_sum"], m),
    }
    p, r = out["coref_b3_p"], out["coref_b3_r"]
    out["coref_b3_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    for kind in ("PROP", "NOM", "PRON"):
        n = c.get(f"per_{kind}_matched", 0)
        out[f"coref_accuracy_{kind}"] = metrics.ratio(c.get(f"per_{kind}_correct", 0), n)
    return out


def evaluate_litbank(
    limit: int | None = None, use_gold_cast: bool = False, names: list[str] | None = None
) -> dict[str, Any]:
    """Score ficlens on LitBank excerpts: per-document rows and the micro-averaged overall."""
    names = names or doc_names()
    if limit:
        names = names[:limit]
    rows = []
    for name in names:
        row = evaluate_doc(load_doc(name), use_gold_cast=use_gold_cast)
        row.update(rates(row))
        rows.append(row)
    result: dict[str, Any] = {"documents": rows, "overall": summarise(rows), "use_gold_cast": use_gold_cast}
    detail = [{"name": r["name"], **r["characters"]} for r in rows if "characters" in r]
    if detail:
        keys = [k for k, v in detail[0].items() if isinstance(v, float)]
        result["characters"] = {
            "documents": detail,
            "overall": {k: sum(d[k] for d in detail) / len(detail) for k in keys},
            "averaging": "mean over excerpts (macro)",
        }
    return result
