"""Fit the weights of the pronoun-tag salience model (`stages/speakers.py`, SALIENCE_WEIGHTS).

    python -m ficlens.evaluation.salience            # prints the weights and accuracies

Recipe (also in docs/models.md): the PDNC novels split as for the ranker (`train.split`).
On each training novel the pipeline runs up to speakers with the gold cast as
`Config(cast=...)`; every "he"/"she" the speakers stage resolves is logged with its
candidates' features, and joined with the gold speaker of the quotation it tags (the tag
directly after the quotation, else the one before it). A conditional logit (a softmax over
each tag's candidates, L2 0.5) is fitted with L-BFGS. It prints the share of tags whose
gold speaker the weights rank first, on the training and the held-out novels.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from ficlens.document import Document, Source
from ficlens.evaluation import pdnc
from ficlens.pipeline import DEFAULT_STAGES, Config, Pipeline
from ficlens.stages import speakers

Group = tuple[np.ndarray, int]
"""One tag: its candidates' features (one row each) and the row of the gold speaker."""
TAG_AFTER = 60
TAG_BEFORE = 200


def split(names: list[str]) -> tuple[list[str], list[str]]:
    """(train, held out): every third novel, alphabetically from the first, is held out (the
    split the weights were first fitted on; the ranker has since moved to k-fold CV)."""
    held = names[::3]
    return [n for n in names if n not in held], held


@contextmanager
def recording(log: dict[int, tuple[dict[str, list[float]], str | None]]) -> Iterator[None]:
    """Log, by offset, the candidates and the answer of every "he"/"she" resolved meanwhile."""
    resolve = speakers.resolve_pronoun

    def logged(ctx: speakers.Context, word: str, offset: int) -> str | None:
        answer = resolve(ctx, word, offset)
        if word in ("he", "she"):
            want = "M" if word == "he" else "F"
            exclude = set(ctx.exclude)

            def fits(cid: str | None) -> bool:
                return bool(cid) and cid not in exclude and ctx.gender.get(cid or "", "U") in (want, "U")

            log[offset] = (speakers.pronoun_candidates(ctx, want, offset, fits), answer)
        return answer

    speakers.resolve_pronoun = logged
    try:
        yield
    finally:
        speakers.resolve_pronoun = resolve


def collect(novel: pdnc.Novel) -> list[Group]:
    """The pronoun tags of one novel whose quotation has a gold speaker among the candidates."""
    doc = Document(text=novel.text, source=Source(novel.name, "txt", "0" * 64))
    stages = DEFAULT_STAGES[: DEFAULT_STAGES.index("speakers") + 1]
    log: dict[int, tuple[dict[str, list[float]], str | None]] = {}
    with recording(log):
        Pipeline(stages, Config(cast=pdnc.config_cast(novel)))(doc)
    offsets = sorted(log)
    quotes = [q for q in doc.quotes if q.speech != "other"]
    firsts = [(q.spans[0], q.speaker) for q in novel.quotes if q.speaker and not q.speaker.startswith("_")]
    matched = pdnc.match_spans([s for s, _ in firsts], [(q.start, q.end) for q in quotes])
    names = pdnc.map_characters(novel, doc)
    groups: list[Group] = []
    for gi, si in matched.items():
        q = quotes[si]
        if q.extra.get("type") != "anaphoric":
            continue
        i = bisect_left(offsets, q.end)
        near = [o for o in offsets[i : i + 1] if o - q.end <= TAG_AFTER and log[o][1] == q.speaker]
        if not near and i > 0:
            j = bisect_left(offsets, q.start) - 1
            near = [o for o in offsets[j : j + 1] if j >= 0 and q.start - o <= TAG_BEFORE and log[o][1] == q.speaker]
        if not near:
            continue
        cands, _ = log[near[0]]
        gold = [k for k, cid in enumerate(cands) if names.get(cid) == firsts[gi][1]]
        if gold and len(cands) > 1:
            groups.append((np.array(list(cands.values())), gold[0]))
    return groups


def fit(groups: list[Group], l2: float = 0.5) -> np.ndarray:
    """Conditional-logit weights: maximise the probability of each tag's gold candidate."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * l2 * float(w @ w), l2 * w
        for x, y in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            total -= float(np.log(p[y] + 1e-12))
            grad = grad + x.T @ p - x[y]
        return total, grad

    return minimize(loss, np.zeros(len(speakers.SALIENCE_FEATURES)), jac=True, method="L-BFGS-B").x


def accuracy(groups: list[Group], w: np.ndarray) -> float:
    """Share of tags whose gold speaker scores highest."""
    return sum(int(np.argmax(x @ w)) == y for x, y in groups) / max(1, len(groups))


def main() -> None:
    train, held = split(pdnc.novel_names())
    by_novel = {name: collect(pdnc.load_novel(name)) for name in train + held}
    w = fit([g for n in train for g in by_novel[n]])
    print("SALIENCE_WEIGHTS: dict[str, float] = {")
    for name, v in zip(speakers.SALIENCE_FEATURES, w, strict=True):
        print(f'    "{name}": {v:.2f},')
    print("}")
    for label, names in (("train", train), ("held out", held)):
        groups = [g for n in names for g in by_novel[n]]
        print(f"{label}: {len(groups)} tags, accuracy {accuracy(groups, w):.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
