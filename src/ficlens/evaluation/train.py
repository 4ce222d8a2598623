"""`ficlens train speakers`: fit the untagged-turn ranker on PDNC, cross-validated by novel.

Recipe (also in docs/models.md):

1. Every PDNC novel goes through the pipeline up to the speakers stage with its gold cast
   given as `Config(cast=...)`, exactly as `ficlens eval --cast gold` runs it (spaCy's
   tokens can be cached with `--cache`).
2. The speakers stage runs with rules alone; every untagged turn yields its candidates with
   features (attribution/ranker.py) and the label "is the gold speaker". Turns whose gold
   speaker is not among the candidates teach nothing and are left out.
3. Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, one thread) are
   fit on them and exported as complete trees of depth 4 (attribution/ranker.py).
4. Cross-validation: the 18 novels fall into 6 folds of 3 (alphabetical order, novel i in
   fold i mod 6); each fold is scored, with the whole speakers stage, by a model trained on
   the other 15. Per-novel and pooled gold-cast speaker accuracy are printed; this is the
   honest figure.
5. The shipped model is trained the same way on all 18 and written as plain JSON to
   src/ficlens/resources/speaker_ranker.json.
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from typing import Any

import click
import numpy as np

from ficlens.attribution.ranker import FEATURES, RESOURCE, Ranker, from_sklearn, to_json
from ficlens.document import Document, Quote
from ficlens.evaluation import pdnc

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FOLDS = 6
DEPTH = 4
TREES = 300
LEARNING_RATE = 0.05


def folds(names: list[str], k: int = FOLDS) -> list[list[str]]:
    """Novel i (alphabetically) goes to fold i mod k."""
    return [names[i::k] for i in range(k)]


def prepare(novel: pdnc.Novel, cache: Path | None = None) -> bytes:
    """The novel through the stages before `speakers` with its gold cast, pickled so each
    run of the speakers stage starts from a fresh copy."""
    from ficlens.pipeline import DEFAULT_STAGES

    stages = DEFAULT_STAGES[: DEFAULT_STAGES.index("speakers")]
    doc = pdnc.analyze_novel(novel, use_gold_cast=True, stages=stages, cache_dir=cache)
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def gold_speakers(novel: pdnc.Novel, doc: Document) -> dict[int, str]:
    """id(system quote) -> gold speaker name, for quotes matching a gold span."""
    spans = [(s, q.speaker) for q in novel.quotes if q.speaker and not q.speaker.startswith("_") for s in q.spans]
    matched = pdnc.match_spans([s for s, _ in spans], [(q.start, q.end) for q in doc.quotes])
    return {id(doc.quotes[si]): spans[gi][1] or "" for gi, si in matched.items()}


def run(novel: pdnc.Novel, prepared: bytes, ranker: Ranker | None) -> tuple[Document, list[tuple[Quote, Any]]]:
    """The speakers stage on a fresh copy, recording every untagged turn's candidates."""
    from ficlens.stages.speakers import attribute

    doc = pickle.loads(prepared)
    rows: list[tuple[Quote, dict[str, list[float]]]] = []
    attribute(doc, ranker=ranker or False, collect=rows)
    return doc, rows


def turns(novel: pdnc.Novel, prepared: bytes, ranker: Ranker | None) -> tuple[list[list[float]], list[int]]:
    """Candidate features and labels of the untagged turns whose gold speaker is a candidate."""
    doc, rows = run(novel, prepared, ranker)
    gold = gold_speakers(novel, doc)
    cmap = pdnc.map_characters(novel, doc)
    xs: list[list[float]] = []
    ys: list[int] = []
    for q, cands in rows:
        want = gold.get(id(q))
        labels = [int(bool(want) and cmap.get(cid) == want) for cid in cands]
        if not any(labels):
            continue
        xs.extend(cands.values())
        ys.extend(labels)
    return xs, ys


def fit(data: list[tuple[list[list[float]], list[int]]]) -> Ranker:
    """Boosted trees on the candidates, exported and checked against scikit-learn's own scores."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    xs = np.array([x for d in data for x in d[0]], dtype=np.float64)
    ys = np.array([y for d in data for y in d[1]])
    model = HistGradientBoostingClassifier(
        max_iter=TREES, max_depth=DEPTH, max_leaf_nodes=None, learning_rate=LEARNING_RATE,
        early_stopping=False, random_state=0,
    )
    with threadpool_limits(1):  # one thread: much faster on a shared machine
        model.fit(xs, ys)
    ranker = from_sklearn(model, DEPTH)
    sample = xs[:: max(1, len(xs) // 2000)]
    assert np.allclose(ranker.scores(sample), model.decision_function(sample), atol=1e-6)
    return ranker


def train_on(novels: list[pdnc.Novel], prepared: dict[str, bytes]) -> Ranker:
    """Fit on the untagged turns as the rules leave them. (A second round on the turns as
    the first model decides them, so later turns see the model's own choices, scored the
    same: 0.7342 vs 0.7345 cross-validated; not worth twice the time. Features computed
    with the true speakers of the earlier turns instead scored worse with the beam of
    fill_turns: 0.7720 vs 0.7788.)"""
    return fit([turns(n, prepared[n.name], None) for n in novels])


def most_used(ranker: Ranker, top: int = 15) -> dict[str, int]:
    """How many splits of the model test each feature (a rough guide to what it relies on)."""
    used = ranker.feature[np.isfinite(ranker.threshold)]
    counts = np.bincount(used, minlength=len(FEATURES))
    order = np.argsort(-counts)[:top]
    return {FEATURES[i]: int(counts[i]) for i in order if counts[i]}


def score(novel: pdnc.Novel, prepared: bytes, ranker: Ranker | None) -> dict[str, Any]:
    doc, _ = run(novel, prepared, ranker)
    return pdnc.score_novel(novel, doc)


def summary(per: dict[str, dict[str, Any]]) -> dict[str, Any]:
    overall = pdnc._combine(per)
    return {
        "overall": round(overall["speaker_accuracy"], 4),
        "implicit": round(overall["speaker_accuracy_implicit"], 4),
        "quotations": overall["speaker_total"],
        "novels": {n: round(r["speaker_accuracy"], 4) for n, r in per.items()},
    }


def accuracy(novels: list[pdnc.Novel], ranker: Ranker | None, cache: Path | None = None) -> dict[str, Any]:
    """Gold-cast speaker accuracy of the whole speakers stage with this ranker (None: rules)."""
    return summary({n.name: score(n, prepare(n, cache), ranker) for n in novels})


def train_speaker_ranker(
    out: Path | None = None,
    cache: Path | None = None,
    names: list[str] | None = None,
    log: Any = None,
) -> dict[str, Any]:
    """Cross-validate by novel, then fit on all novels and write the JSON; returns the scores."""
    say = log or (lambda _msg: None)
    t0 = time.perf_counter()
    names = names or pdnc.novel_names()
    novels = {n: pdnc.load_novel(n) for n in names}
    prepared = {n: prepare(novels[n], cache) for n in names}
    say(f"prepared {len(names)} novels in {time.perf_counter() - t0:.0f}s")
    rules: dict[str, dict[str, Any]] = {}
    crossed: dict[str, dict[str, Any]] = {}
    for fold in folds(names):
        if not fold:
            continue
        ranker = train_on([novels[n] for n in names if n not in fold], prepared)
        for n in fold:
            rules[n] = score(novels[n], prepared[n], None)
            crossed[n] = score(novels[n], prepared[n], ranker)
            say(f"{n:28s} rules {rules[n]['speaker_accuracy']:.4f}  ranker {crossed[n]['speaker_accuracy']:.4f}")
    t1 = time.perf_counter()
    final = train_on(list(novels.values()), prepared)
    inside = {n: score(novels[n], prepared[n], final) for n in names}
    scores = {
        "folds": folds(names),
        "rules": summary(rules),
        "cross_validated": summary(crossed),
        "in_sample": summary(inside),
        "train_seconds_final": round(time.perf_counter() - t1),
        "most_used_features": most_used(final),
        "seconds": round(time.perf_counter() - t0),
    }
    meta = {"recipe": "ficlens train speakers (evaluation/train.py)", "scores": scores}
    target = out or RESOURCES / RESOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_json(final, meta) + "\n", encoding="utf-8")
    return scores


@click.group("train")
def train() -> None:
    """Train ficlens' small models on the reference data in ../shared/data."""


@train.command("speakers")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=f"Where to write the ranker (default: src/ficlens/resources/{RESOURCE}).")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None, help="Keep each novel's spaCy tokens here between runs.")
@click.option("--novel", "novels", multiple=True, help="Train and cross-validate on these PDNC novels only.")
def speakers(out: Path | None, cache: Path | None, novels: tuple[str, ...]) -> None:
    """Fit the untagged-turn speaker ranker on PDNC: print held-out accuracy per novel and
    overall (novel-level cross-validation), then train on all novels and write the model."""
    scores = train_speaker_ranker(out, cache, list(novels) or None, log=click.echo)
    click.echo(f"features: {len(FEATURES)}")
    for key in ("rules", "cross_validated", "in_sample"):
        s = scores[key]
        click.echo(f"{key:16s} speaker accuracy {s['overall']:.4f} (implicit {s['implicit']:.4f}, {s['quotations']} quotations)")
    click.echo("most used features (splits): " + ", ".join(f"{f} {n}" for f, n in scores["most_used_features"].items()))
    click.echo(f"{scores['seconds']}s in all, final model {scores['train_seconds_final']}s")
