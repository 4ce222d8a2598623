"""`ficlens train speakers`: fit the untagged-turn ranker on PDNC, report held-out accuracy.

Recipe (also in docs/models.md): every third PDNC novel (alphabetical, starting with the
first) is held out. On the others the quotes and speakers stages run with the novel's
gold cast given as characters (so the ranker learns turn-taking, not name finding); every
untagged turn yields its candidates with features (attribution/ranker.py) and the label
"is the gold speaker". A logistic regression (scikit-learn, L2, C=1) is fit on them and
written as plain JSON weights to src/ficlens/resources/speaker_ranker.json. The held-out
novels are then scored with rules alone and with the ranker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ficlens.attribution.ranker import FEATURES, RESOURCE, Ranker, to_json
from ficlens.document import Character, Document, Quote, Source
from ficlens.evaluation import pdnc
from ficlens.pipeline import Config

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def split(names: list[str]) -> tuple[list[str], list[str]]:
    """(train, held out): every third novel, alphabetically from the first, is held out."""
    held = names[::3]
    return [n for n in names if n not in held], held


def gold_cast_doc(novel: pdnc.Novel) -> tuple[Document, dict[str, str]]:
    """The novel with its quotations found and the gold cast as characters (id -> name)."""
    from ficlens.stages.quotes import quotes_stage

    doc = Document(text=novel.text, source=Source(novel.name, "txt", "0" * 64))
    quotes_stage(doc, Config())
    doc.characters = [
        Character(f"c{i}", name, [a for a in aliases if a != name], g if g in "MF" else "U")
        for i, (name, aliases, g) in enumerate(novel.cast)
    ]
    return doc, {c.id: c.name for c in doc.characters}


def gold_speakers(novel: pdnc.Novel, quotes: list[Quote]) -> dict[int, str]:
    """id(system quote) -> gold speaker name, for quotes that match a gold quotation's first span."""
    firsts = [(q.spans[0], q.speaker) for q in novel.quotes if q.speaker and not q.speaker.startswith("_")]
    matched = pdnc.match_spans([s for s, _ in firsts], [(q.start, q.end) for q in quotes])
    return {id(quotes[si]): firsts[gi][1] or "" for gi, si in matched.items()}


def collect(novel: pdnc.Novel) -> tuple[list[list[float]], list[int]]:
    """Candidate features and labels of every untagged turn of one novel."""
    from ficlens.stages.speakers import attribute

    doc, names = gold_cast_doc(novel)
    rows: list[tuple[Quote, dict[str, list[float]]]] = []
    attribute(doc, ranker=False, collect=rows)
    gold = gold_speakers(novel, doc.quotes)
    xs: list[list[float]] = []
    ys: list[int] = []
    for q, cands in rows:
        want = gold.get(id(q))
        if not want or want not in names.values():
            continue
        for cid, feats in cands.items():
            xs.append(feats)
            ys.append(int(names[cid] == want))
    return xs, ys


def accuracy(novels: list[pdnc.Novel], ranker: Ranker | None) -> dict[str, Any]:
    from ficlens.stages.speakers import attribute

    per = {}
    for novel in novels:
        doc, _ = gold_cast_doc(novel)
        attribute(doc, ranker=ranker or False)
        per[novel.name] = pdnc.score_novel(novel, doc)
    overall = pdnc._combine(per)
    return {
        "overall": round(overall["speaker_accuracy"], 4),
        "implicit": round(overall["speaker_accuracy_implicit"], 4),
        "novels": {n: round(r["speaker_accuracy"], 4) for n, r in per.items()},
    }


def train_speaker_ranker(out: Path | None = None) -> dict[str, Any]:
    """Fit, evaluate on the held-out novels, write the JSON; returns the scores."""
    from sklearn.linear_model import LogisticRegression

    train_names, held_names = split(pdnc.novel_names())
    xs: list[list[float]] = []
    ys: list[int] = []
    for name in train_names:
        x, y = collect(pdnc.load_novel(name))
        xs.extend(x)
        ys.extend(y)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(xs, ys)
    ranker = Ranker([float(w) for w in model.coef_[0]], float(model.intercept_[0]))
    held = [pdnc.load_novel(n) for n in held_names]
    scores = {
        "train_novels": train_names,
        "held_out_novels": held_names,
        "candidates": len(ys),
        "rules_held_out": accuracy(held, None),
        "ranker_held_out": accuracy(held, ranker),
    }
    meta = {"recipe": "ficlens train speakers (evaluation/train.py)", "scores": scores}
    target = out or RESOURCES / RESOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_json(ranker.weights, ranker.bias, meta) + "\n", encoding="utf-8")
    return scores


@click.group("train")
def train() -> None:
    """Train ficlens' small models on the reference data in ../shared/data."""


@train.command("speakers")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=f"Where to write the ranker (default: src/ficlens/resources/{RESOURCE}).")
def speakers(out: Path | None) -> None:
    """Fit the untagged-turn speaker ranker on PDNC and print held-out accuracy."""
    scores = train_speaker_ranker(out)
    click.echo(f"features: {len(FEATURES)}, training candidates: {scores['candidates']}")
    click.echo(f"held out: {', '.join(scores['held_out_novels'])}")
    for key in ("rules_held_out", "ranker_held_out"):
        s = scores[key]
        click.echo(f"{key}: speaker accuracy {s['overall']:.4f} (implicit {s['implicit']:.4f})")
