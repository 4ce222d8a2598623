"""Measure ficlens on the held-out stories: score.py's metrics per story as a Markdown table.

usage: .venv/bin/python tests/heldout/measure.py [--json] [FOLDER]   (from the repo root)
FOLDER defaults to tests/heldout; tests/blind holds the blind set (stories + .gold.json).
The table goes into docs/heldout.md; tests/test_heldout.py holds the floors.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

from ficlens.api import analyze_path
from ficlens.writers.json import to_dict

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("FICLENS_SHARED", HERE.parents[2] / "shared")).resolve()


def load_scorer() -> Any:
    """../shared/tools/score.py, the outside scorer, imported in place."""
    spec = importlib.util.spec_from_file_location("outside_score", SHARED / "tools" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


DOUBLE_MARKS = '"\u201c\u201d'


def scoreable(result: dict[str, Any]) -> dict[str, Any]:
    """The result with only the quotes score.py can see: one-line spans between double marks.

    Single-quoted speech and the open paragraphs of multi-paragraph speech are right to be
    quotes but are in no gold file, so raw quote_precision counts them as false positives;
    tests/test_heldout.py checks them directly.
    """
    text = result["text"]
    out = dict(result)
    out["quotes"] = [
        q
        for q in result["quotes"]
        if q["start"] > 0
        and text[q["start"] - 1] in DOUBLE_MARKS
        and q["end"] < len(text)
        and text[q["end"]] in DOUBLE_MARKS
    ]
    return out


def score_story(score: Any, story: Path, result: dict[str, Any]) -> dict[str, float]:
    """score.py's metrics, plus quote_precision over the quotes score.py can see."""
    gold = json.loads((story.parent / f"{story.stem}.gold.json").read_text(encoding="utf-8"))
    text = story.read_text(encoding="utf-8")
    m = score.score(gold, result, text)
    m["quote_precision_scoreable"] = score.score(gold, scoreable(result), text)["quote_precision"]
    return m


def measure(folder: Path = HERE) -> dict[str, dict[str, float]]:
    score = load_scorer()
    rows = {}
    for story in sorted(folder.glob("*.txt")):
        rows[story.stem] = score_story(score, story, to_dict(analyze_path(str(story))))
    return rows


def table(rows: dict[str, dict[str, float]]) -> str:
    metrics = sorted({k for m in rows.values() for k in m})
    lines = ["| metric | " + " | ".join(rows) + " |", "|---" * (len(rows) + 1) + "|"]
    for k in metrics:
        cells = []
        for m in rows.values():
            v = m.get(k)
            cells.append("-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v))
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    folders = [Path(a) for a in sys.argv[1:] if not a.startswith("--")]
    measured = measure(folders[0] if folders else HERE)
    print(json.dumps(measured, indent=1) if "--json" in sys.argv else table(measured))
