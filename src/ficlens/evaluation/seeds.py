"""The seed stories against their hand annotation, scored by the outside scorer.

`../shared/tools/score.py` is the reference: it is imported from its path at run time (not
copied), so `ficlens eval --corpus seeds` prints exactly what that script prints.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from ficlens.errors import InputError
from ficlens.evaluation.paths import shared_dir


@cache
def outside_scorer() -> ModuleType:
    """The shared scorer module, loaded from ../shared/tools/score.py."""
    path = shared_dir() / "tools" / "score.py"
    spec = importlib.util.spec_from_file_location("ficlens_outside_score", path)
    if spec is None or spec.loader is None:
        raise InputError(str(path), "cannot load the outside scorer")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_pairs(limit: int | None = None) -> list[tuple[Path, Path]]:
    """(story, gold) pairs of the seeds that have a gold file."""
    shared = shared_dir()
    pairs = []
    for seed in sorted((shared / "seeds").glob("*.txt")):
        gold = shared / "gold" / f"{seed.stem}.gold.json"
        if gold.exists():
            pairs.append((seed, gold))
    return pairs[:limit] if limit else pairs


def score_seed(seed: Path, gold: Path) -> dict[str, Any]:
    """Analyse one seed as `ficlens analyze` would and score it like score.py on the JSON."""
    from ficlens.api import analyze_path
    from ficlens.writers.json import to_dict

    system = json.loads(json.dumps(to_dict(analyze_path(str(seed)))))
    text = seed.read_text(encoding="utf-8")
    return outside_scorer().score(json.loads(gold.read_text(encoding="utf-8")), system, text)


def evaluate_seeds(limit: int | None = None) -> dict[str, Any]:
    """Every score.py metric per seed, and their mean over the seeds that have each metric."""
    rows = []
    for seed, gold in seed_pairs(limit):
        rows.append({"name": seed.stem, **score_seed(seed, gold)})
    keys = dict.fromkeys(k for r in rows for k in r if k != "name")
    overall = {}
    for k in keys:
        vals = [r[k] for r in rows if isinstance(r.get(k), int | float)]
        if vals:
            overall[k] = sum(vals) / len(vals)
    return {"documents": rows, "overall": overall}
