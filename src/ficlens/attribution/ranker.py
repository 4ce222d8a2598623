"""A small learned ranker for turns no tag attributes: who, of the people around, speaks.

The rules in the speakers stage propose one speaker for an untagged turn; the ranker scores
every plausible candidate instead (recent speakers, the names turns address, names in the
narration nearby) with a logistic regression over a dozen features and keeps the best. It
is trained by `ficlens train speakers` on PDNC novels and shipped as a few numbers in
`resources/speaker_ranker.json`; without that file the rules decide alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

FEATURES: tuple[str, ...] = (
    "rule_choice",
    "prev_speaker",
    "prev2_speaker",
    "prev3_speaker",
    "addressed_by_prev",
    "addressed_in_turn",
    "addresses_next",
    "next_speaker",
    "next2_speaker",
    "named_in_paragraph",
    "paragraph_subject",
    "mention_recency",
    "conversation_share",
    "mention_share",
    "is_narrator",
    "first_turn",
    "first_turn_x_recency",
    "no_prev_x_recency",
    "speaker_share",
    "spoke_just_before",
    "named_just_before",
    "alternation_anchored",
    "named_in_own_words",
)
RESOURCE = "speaker_ranker.json"


@dataclass
class Ranker:
    weights: list[float]
    bias: float

    def score(self, features: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def best(self, candidates: dict[str, list[float]]) -> tuple[str, float] | None:
        if not candidates:
            return None
        scored = [(self.score(f), cid) for cid, f in candidates.items()]
        p, cid = max(scored)
        total = sum(s for s, _ in scored) or 1.0
        return cid, p / total


def to_json(weights: list[float], bias: float, meta: dict[str, Any]) -> str:
    return json.dumps(
        {"features": list(FEATURES), "weights": weights, "bias": bias, **meta}, indent=1
    )


@lru_cache(maxsize=1)
def load_ranker() -> Ranker | None:
    """The shipped ranker, or None when there is none (or it was trained on other features)."""
    try:
        path = resources.files("ficlens").joinpath("resources", RESOURCE)
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, OSError, ValueError):
        return None
    if tuple(data.get("features", ())) != FEATURES:
        return None
    return Ranker([float(w) for w in data["weights"]], float(data["bias"]))
