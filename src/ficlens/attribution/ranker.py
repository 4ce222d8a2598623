"""A small learned ranker for turns no tag attributes: who, of the people around, speaks.

The rules in the speakers stage propose one speaker for an untagged turn; the ranker scores
every plausible candidate instead (recent speakers, the names turns address, names in the
narration nearby) and keeps the best. The model is a few hundred shallow gradient-boosted
trees over the features below, so it can weigh one cue against another ("spoke two turns
back" counts for much more when the turn in between was tagged). It is trained by
`ficlens train speakers` on PDNC novels and shipped as plain numbers in
`resources/speaker_ranker.json` (no pickle, evaluated with numpy); without that file the
rules decide alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

FEATURES: tuple[str, ...] = (
    # who the rules chose, and how sure they were
    "rule_choice",
    "rule_confidence",
    # turn-taking: who spoke the turns before (and whether a tag or beat fixed them)
    "prev1_speaker",
    "prev2_speaker",
    "prev3_speaker",
    "prev4_speaker",
    "prev1_anchored_speaker",
    "prev2_anchored_speaker",
    "prev3_anchored_speaker",
    "prev4_anchored_speaker",
    "next1_speaker",
    "next2_speaker",
    "next3_speaker",
    "next4_speaker",
    "turns_since_spoke",
    "turns_spoken",
    "conversation_share",
    "alternation",
    "alternation_anchored",
    "in_conversation",
    "spoke_just_before",
    # who the turns around address or name
    "addressed_by_prev",
    "addressee_of_prev",
    "addressed_in_turn",
    "addresses_next",
    "addresses_next2",
    "named_in_prev_words",
    "named_in_next_words",
    "named_in_own_words",
    # the narration
    "named_in_paragraph",
    "paragraph_subject",
    "conversation_lead",
    "mention_recency",
    "distance_since_named",
    "named_just_before",
    "first_turn_x_recency",
    "no_prev_x_recency",
    "same_gender_as_prev",
    "named_in_prev_narration",
    # the whole conversation: who a tag or beat makes speak in it, who its narration names
    "anchored_turns_in_conversation",
    "anchored_share_of_conversation",
    "named_in_conversation_narration",
    "partner_of_addressee",
    # prominence in the whole work
    "mention_share",
    "speaker_share",
    "is_narrator",
    # how the turn's words sound in each candidate's mouth (attribution/idiolect.py)
    "idiolect_ratio",
    "idiolect_margin",
    "idiolect_margin_per_word",
    # the turn itself (the same for every candidate; the trees cross them with the rest)
    "turn_index",
    "first_turn",
    "speakers_so_far",
    "prev_anchored",
    "prev_is_question",
    "candidates",
    "turn_length",
)
RESOURCE = "speaker_ranker.json"


def log_scale(x: float) -> float:
    """log(1 + x): distances and lengths, where the first steps matter most."""
    return math.log1p(max(0.0, x))


@dataclass
class Ranker:
    """Gradient-boosted trees stored as complete binary trees of one depth: node i's
    children are 2i+1 (feature <= threshold) and 2i+2; `leaves` holds the values under the
    last level. A split that sklearn did not make has threshold +inf (always left)."""

    feature: np.ndarray
    """(trees, internal nodes) feature index of each split."""
    threshold: np.ndarray
    leaves: np.ndarray
    """(trees, 2**depth) the trees' outputs, learning rate included."""
    bias: float
    depth: int

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Log-odds that each row (a candidate's features) is the speaker."""
        n_trees = self.feature.shape[0]
        trees = np.arange(n_trees)[None, :]
        node = np.zeros((rows.shape[0], n_trees), dtype=np.intp)
        cand = np.arange(rows.shape[0])[:, None]
        for _ in range(self.depth):
            f = self.feature[trees, node]
            go_right = rows[cand, f] > self.threshold[trees, node]
            node = 2 * node + 1 + go_right
        leaf = node - (2**self.depth - 1)
        return self.bias + self.leaves[trees, leaf].sum(axis=1)

    def shares(self, candidates: dict[str, list[float]]) -> dict[str, float]:
        """Each candidate's share of the candidates' summed probability of being the speaker."""
        if not candidates:
            return {}
        ids = list(candidates)
        z = self.scores(np.asarray([candidates[c] for c in ids], dtype=np.float64))
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        p = p / (p.sum() or 1.0)
        return {c: float(x) for c, x in zip(ids, p, strict=True)}

    def best(self, candidates: dict[str, list[float]]) -> tuple[str, float] | None:
        """The most likely speaker and its share of the candidates' probability."""
        shares = self.shares(candidates)
        if not shares:
            return None
        cid = max(shares, key=shares.__getitem__)
        return cid, shares[cid]


def from_sklearn(model: Any, depth: int) -> Ranker:
    """Walk a fitted binary `HistGradientBoostingClassifier` (trees of at most `depth`, no
    missing values) into complete trees of that depth. Its trees are read from the fitted
    predictors' node table (`value`, `feature_idx`, `num_threshold`, `left`, `right`,
    `is_leaf`); the result is checked against `decision_function` by the trainer."""
    n_internal = 2**depth - 1
    predictors = [p[0].nodes for p in model._predictors]
    feature = np.zeros((len(predictors), n_internal), dtype=np.intp)
    threshold = np.full((len(predictors), n_internal), np.inf)
    leaves = np.zeros((len(predictors), 2**depth))
    for t, nodes in enumerate(predictors):

        def place(node: int, slot: int, level: int, t: int = t, nodes: Any = nodes) -> None:
            if level == depth:
                leaves[t, slot - n_internal] = nodes["value"][node]
                return
            if nodes["is_leaf"][node]:  # a leaf above the last level: copy it down
                place(node, 2 * slot + 1, level + 1)
                place(node, 2 * slot + 2, level + 1)
                return
            feature[t, slot] = nodes["feature_idx"][node]
            threshold[t, slot] = nodes["num_threshold"][node]
            place(int(nodes["left"][node]), 2 * slot + 1, level + 1)
            place(int(nodes["right"][node]), 2 * slot + 2, level + 1)

        place(0, 0, 0)
    return Ranker(feature, threshold, leaves, float(np.ravel(model._baseline_prediction)[0]), depth)


def to_json(ranker: Ranker, meta: dict[str, Any]) -> str:
    data = {
        "features": list(FEATURES),
        "model": "gradient-boosted trees",
        "depth": ranker.depth,
        "bias": round(ranker.bias, 6),
        "feature": ranker.feature.tolist(),
        "threshold": [[None if np.isinf(x) else round(float(x), 6) for x in row] for row in ranker.threshold],
        "leaves": [[round(float(x), 5) for x in row] for row in ranker.leaves],
        **meta,
    }
    return json.dumps(data, separators=(",", ":"))


def from_json(data: dict[str, Any]) -> Ranker | None:
    """The ranker a JSON file describes, or None when it was trained on other features."""
    if tuple(data.get("features", ())) != FEATURES or "leaves" not in data:
        return None
    threshold = np.array([[np.inf if x is None else float(x) for x in row] for row in data["threshold"]])
    return Ranker(
        np.array(data["feature"], dtype=np.intp),
        threshold,
        np.array(data["leaves"], dtype=np.float64),
        float(data["bias"]),
        int(data["depth"]),
    )


@lru_cache(maxsize=1)
def load_ranker() -> Ranker | None:
    """The shipped ranker, or None when there is none (or it was trained on other features)."""
    try:
        path = resources.files("ficlens").joinpath("resources", RESOURCE)
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, OSError, ValueError):
        return None
    return from_json(data)
