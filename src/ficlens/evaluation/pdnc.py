"""Quotation detection and speaker attribution measured on PDNC (Project Dialogism Novel Corpus).

PDNC gives, per novel, the text, every quotation as sub-quotation character spans (quote
marks excluded) with speaker, addressees and type, and the cast with aliases. Spans are
compared by overlap as ../shared/tools/score.py does: a gold span is found when one system
quote, not used before, covers at least half of it. A system character stands for the gold
character whose aliases it shares most (score.py's `map_characters`). PDNC annotates speech
only, so system quotes guessed `other` (titles, scare quotes) are left out of precision.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import os
import pickle
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ficlens.cast import with_gender
from ficlens.document import Document, Source
from ficlens.evaluation import metrics

csv.field_size_limit(10**8)

PDNC_DIR = Path(
    os.environ.get("FICLENS_PDNC", Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pdnc")
)
QUOTE_TYPES = ("explicit", "anaphoric", "implicit")


@dataclass
class GoldQuote:
    spans: list[tuple[int, int]]
    speaker: str | None
    addressees: list[str]
    type: str


@dataclass
class Novel:
    name: str
    text: str
    quotes: list[GoldQuote]
    cast: list[tuple[str, list[str], str]] = field(default_factory=list)
    """(main name, aliases, gender) per character."""
    first_person: bool = False


def _literal(value: str) -> Any:
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return []


def novel_names(root: Path = PDNC_DIR) -> list[str]:
    return sorted(p.name for p in (root / "data").iterdir() if (p / "novel_text.txt").exists())


def _first_person_folders(root: Path) -> set[str]:
    out = set()
    index = root / "PDNC-Novel-Index.csv"
    if index.exists():
        with index.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("Narrative Person", "").startswith("1") and row.get("Folder Name"):
                    out.add(row["Folder Name"].strip())
    return out


def load_novel(name: str, root: Path = PDNC_DIR) -> Novel:
    """Read one PDNC novel folder in place."""
    folder = root / "data" / name
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    quotes = []
    with (folder / "quotation_info.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            spans = [(int(s), int(e)) for s, e in _literal(row["quoteByteSpans"])]
            if not spans:
                continue
            speaker = row["speaker"].strip() or None
            qtype = row["quoteType"].strip().lower()
            quotes.append(
                GoldQuote(spans, speaker, [a for a in _literal(row["addressees"]) if a], qtype)
            )
    cast = []
    with (folder / "character_info.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases = sorted(a for a in _literal(row["Aliases"]) if isinstance(a, str))
            cast.append((row["Main Name"].strip(), aliases, row.get("Gender", "U").strip()))
    canonical = canonical_names(cast)
    for q in quotes:
        if q.speaker:
            q.speaker = canonical.get(q.speaker, q.speaker)
        q.addressees = [canonical.get(a, a) for a in q.addressees]
    return Novel(name, text, quotes, cast, name in _first_person_folders(root))


def canonical_names(cast: list[tuple[str, list[str], str]]) -> dict[str, str]:
    """Any name or alias -> the main name: quotation_info names speakers by either."""
    out: dict[str, str] = {}
    for name, aliases, _ in cast:
        for a in aliases:
            out.setdefault(a, name)
    for name, _, _ in cast:
        out[name] = name
    return out


def config_cast(novel: Novel, gender: bool = False) -> list[tuple[str, list[str]]]:
    """The gold cast in the form `Config(cast=...)` takes; with `gender`, each name carries its
    annotated gender (`Name [F]`, see `ficlens.cast`)."""
    return [
        (with_gender(name, g) if gender else name, [a for a in aliases if a != name] + textual_name(name))
        for name, aliases, g in novel.cast
    ]


def textual_name(name: str) -> list[str]:
    """The name the text uses for a PDNC entry that carries a role qualifier: the part
    before the dash, which no story writes with its qualifier. PDNC splits a character in
    two when a frame story surrounds the tales ("Christopher Robin - Story" inside the
    tales, "Christopher Robin - External" in the frame); the bare name goes to the one
    inside, since the text gives no sign of which is meant and the tales hold the dialogue."""
    base, dash, role = name.partition(" - ")
    return [base.strip()] if dash and base.strip() and role.strip().lower() != "external" else []


def match_spans(
    gold: list[tuple[int, int]], system: list[tuple[int, int]]
) -> dict[int, int]:
    """Gold index -> system index, each system span used once, overlap >= half the gold span."""
    order = sorted(range(len(system)), key=lambda i: system[i])
    starts = [system[i][0] for i in order]
    ends_max: list[int] = []
    best_end = -1
    for i in order:
        best_end = max(best_end, system[i][1])
        ends_max.append(best_end)
    used: set[int] = set()
    out: dict[int, int] = {}
    for gi in sorted(range(len(gold)), key=lambda i: gold[i]):
        gs, ge = gold[gi]
        k = bisect_left(starts, ge)  # candidates start before the gold end
        best, best_ov = -1, 0
        j = k - 1
        while j >= 0 and ends_max[j] > gs:
            si = order[j]
            ov = min(ge, system[si][1]) - max(gs, system[si][0])
            if si not in used and ov > best_ov:
                best, best_ov = si, ov
            j -= 1
        if best >= 0 and best_ov >= 0.5 * max(1, ge - gs):
            out[gi] = best
            used.add(best)
    return out


def _norm(s: str) -> str:
    return " ".join(s.replace("\u2019", "'").lower().replace(".", "").split())


def map_characters(novel: Novel, doc: Document) -> dict[str, str | None]:
    """System character id -> gold main name, by shared aliases (name votes twice)."""
    gold = {name: {_norm(a) for a in {name, *aliases}} for name, aliases, _ in novel.cast}
    system = [(c.id, [_norm(a) for a in [c.name, *c.aliases]]) for c in doc.characters]
    return metrics.map_characters(gold, system)


def _prf(tp: int, n_sys: int, n_gold: int) -> dict[str, float]:
    p = tp / n_sys if n_sys else 1.0
    r = tp / n_gold if n_gold else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_novel(novel: Novel, doc: Document) -> dict[str, Any]:
    """Detection P/R/F1 and speaker accuracy (overall and per quotation type) for one novel."""
    sys_quotes = [q for q in doc.quotes if q.speech != "other"]
    gold_spans: list[tuple[int, int]] = []
    owner: list[int] = []
    for qi, gq in enumerate(novel.quotes):
        for span in gq.spans:
            gold_spans.append(span)
            owner.append(qi)
    matched = match_spans(gold_spans, [(q.start, q.end) for q in sys_quotes])
    det = _prf(len(matched), len(sys_quotes), len(gold_spans))
    cmap = map_characters(novel, doc)
    first_match: dict[int, int] = {}
    for gi, si in sorted(matched.items()):
        first_match.setdefault(owner[gi], si)
    correct = total = 0
    by_type: dict[str, list[int]] = {t: [0, 0] for t in QUOTE_TYPES}
    for qi, gq in enumerate(novel.quotes):
        if not gq.speaker or gq.speaker.startswith("_"):
            continue
        si = first_match.get(qi)
        ok = si is not None and cmap.get(sys_quotes[si].speaker or "") == gq.speaker
        correct += ok
        total += 1
        if gq.type in by_type:
            by_type[gq.type][0] += ok
            by_type[gq.type][1] += 1
    out: dict[str, Any] = {
        "detection": det,
        "n_gold_spans": len(gold_spans),
        "n_system_quotes": len(sys_quotes),
        "speaker_correct": correct,
        "speaker_total": total,
        "speaker_accuracy": correct / total if total else 0.0,
    }
    for t, (c, n) in by_type.items():
        out[f"speaker_accuracy_{t}"] = c / n if n else 0.0
        out[f"speaker_n_{t}"] = n
    out["_by_type"] = by_type
    out["_det"] = (len(matched), len(sys_quotes), len(gold_spans))
    return out


BASE_STAGES = ("structure", "tokens")
"""Stages whose result does not depend on the cast: cached per novel when asked to."""


def analyze_novel(
    novel: Novel,
    use_gold_cast: bool = False,
    stages: tuple[str, ...] | None = None,
    cache_dir: Path | str | None = None,
) -> Document:
    """Run the ficlens pipeline on a PDNC novel, with or without its gold cast.

    With `cache_dir`, the structure and spaCy tokens of each novel are pickled there and
    reused, so scoring both casts, or re-scoring after a change to a later stage, does not
    pay for spaCy again.
    """
    from ficlens.pipeline import DEFAULT_STAGES, Config, Pipeline

    config = Config(cast=config_cast(novel) if use_gold_cast else None)
    data = novel.text.encode("utf-8")
    source = Source(f"{novel.name}/novel_text.txt", "txt", hashlib.sha256(data).hexdigest(), len(data))
    if stages is None:  # what speakers need; relationships and later stages score nothing here
        stages = DEFAULT_STAGES[: DEFAULT_STAGES.index("speakers") + 1]
    if cache_dir is None:
        return Pipeline(stages, config)(Document(text=novel.text, source=source))
    path = Path(cache_dir) / f"{novel.name}.{source.sha256[:12]}.pickle"
    if path.exists():
        doc = pickle.loads(path.read_bytes())
    else:
        doc = Pipeline(BASE_STAGES, config)(Document(text=novel.text, source=source))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    return Pipeline(tuple(name for name in stages if name not in BASE_STAGES), config)(doc)


def _combine(per: dict[str, dict[str, Any]]) -> dict[str, Any]:
    tp = sum(r["_det"][0] for r in per.values())
    n_sys = sum(r["_det"][1] for r in per.values())
    n_gold = sum(r["_det"][2] for r in per.values())
    correct = sum(r["speaker_correct"] for r in per.values())
    total = sum(r["speaker_total"] for r in per.values())
    out: dict[str, Any] = {
        "detection": _prf(tp, n_sys, n_gold),
        "speaker_accuracy": correct / total if total else 0.0,
        "speaker_total": total,
    }
    for t in QUOTE_TYPES:
        c = sum(r["_by_type"][t][0] for r in per.values())
        n = sum(r["_by_type"][t][1] for r in per.values())
        out[f"speaker_accuracy_{t}"] = c / n if n else 0.0
        out[f"speaker_n_{t}"] = n
    return out


def evaluate_pdnc(
    novels: list[str] | None = None,
    use_gold_cast: bool = False,
    root: Path | str | None = None,
    cache_dir: Path | str | None = None,
) -> dict[str, Any]:
    """Run and score ficlens on PDNC novels (all by default).

    Returns {"novels": {name: metrics}, "overall": metrics, "use_gold_cast": bool,
    "seconds": float}; metrics hold `detection` {precision, recall, f1}, `speaker_accuracy`
    and `speaker_accuracy_<type>` for explicit, anaphoric and implicit quotations.
    Overall figures pool all quotations of all novels (micro average). `cache_dir` keeps
    each novel's spaCy tokens between runs (see `analyze_novel`).
    """
    base = Path(root) if root else PDNC_DIR
    names = novels or novel_names(base)
    per: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    for name in names:
        novel = load_novel(name, base)
        t1 = time.perf_counter()
        doc = analyze_novel(novel, use_gold_cast, cache_dir=cache_dir)
        per[name] = score_novel(novel, doc)
        per[name]["seconds"] = time.perf_counter() - t1
        per[name]["words"] = len(novel.text.split())
    overall = _combine(per)
    for r in per.values():
        r.pop("_by_type")
        r.pop("_det")
    return {
        "novels": per,
        "overall": overall,
        "use_gold_cast": use_gold_cast,
        "seconds": time.perf_counter() - t0,
    }


def evaluate_detection(novels: list[str] | None = None, root: Path | str | None = None) -> dict[str, Any]:
    """Quotation detection only (the quotes stage alone: fast, no spaCy)."""
    base = Path(root) if root else PDNC_DIR
    names = novels or novel_names(base)
    per = {}
    for name in names:
        novel = load_novel(name, base)
        doc = analyze_novel(novel, stages=("structure", "quotes"))
        per[name] = score_novel(novel, doc)
    overall = _combine(per)
    return {"novels": {n: r["detection"] for n, r in per.items()}, "overall": overall["detection"]}
