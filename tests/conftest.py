"""Shared test fixtures: the reference files in ../shared, read in place, and a cached analyser."""

from __future__ import annotations

import importlib.util
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ficlens.api import analyze_path
from ficlens.schema import analysis_schema
from ficlens.writers.json import to_dict

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FICLENS_SHARED", REPO.parent / "shared")).resolve()
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
GOLD = SHARED / "gold"
SAMPLES = SHARED / "samples"
DATA = SHARED / "data"
EXAMPLES = REPO / "examples"


def require_shared() -> None:
    if not SHARED.is_dir():
        pytest.fail(f"reference data not found at {SHARED} (set FICLENS_SHARED)")


def validate(result: dict[str, Any]) -> None:
    """Every analysis a test produces must satisfy the shipped JSON Schema and the contract."""
    jsonschema.validate(result, analysis_schema())
    n = len(result["text"])
    ids = {c["id"] for c in result["characters"]}
    assert len(ids) == len(result["characters"]), "character ids are not unique"
    for p in result["paratext"] + result["chapters"] + result["quotes"]:
        assert 0 <= p["start"] <= p["end"] <= n
    for q in result["quotes"]:
        assert q["text"] == result["text"][q["start"] : q["end"]]
        assert q["speaker"] is None or q["speaker"] in ids
        assert set(q["addressees"]) <= ids
    for r in result["relationships"]:
        assert r["a"] in ids and r["b"] in ids
    for key in ("narrator", "focal_character"):
        v = result["narration"][key]
        assert v is None or v in ids
    for c in result["characters"]:
        assert c["mention_count"] == len(c["mentions"])
        for s, e in c["mentions"]:
            assert 0 <= s < e <= n


@cache
def analyze_cached(path: str, cast: str | None = None) -> str:
    result = to_dict(analyze_path(path, cast_path=cast))
    validate(result)
    return json.dumps(result)


def analyze(path: Path | str, cast: str | None = None) -> dict[str, Any]:
    """Analyse a file once per test session (schema-validated); each caller gets its own copy."""
    return json.loads(analyze_cached(str(path), cast))


@cache
def scorer() -> Any:
    """../shared/tools/score.py, the outside scorer, imported as a module."""
    spec = importlib.util.spec_from_file_location("ficlens_outside_score", SHARED / "tools" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score_seed(seed: Path) -> dict[str, float]:
    gold = json.loads((GOLD / f"{seed.stem}.gold.json").read_text(encoding="utf-8"))
    text = seed.read_text(encoding="utf-8")
    return scorer().score(gold, analyze(seed), text)


def passage(
    text: str,
    cast: list[tuple[str, str, list[str], str]],
    narrator: str | None = None,
    pov: str | None = None,
    ranker: bool = True,
    focal: str | None = None,
) -> Any:
    """An invented passage through the quotes and speakers stages with a known cast
    (id, name, aliases, gender) and no coref: the speakers stage in isolation."""
    from ficlens.document import Character, Document, Source
    from ficlens.pipeline import Config
    from ficlens.stages.quotes import quotes_stage
    from ficlens.stages.speakers import attribute

    doc = Document(text=text, source=Source("<test>", "txt", "0" * 64))
    quotes_stage(doc, Config())
    doc.characters = [Character(cid, name, aliases, g) for cid, name, aliases, g in cast]
    if pov:
        doc.narration.pov = pov
    doc.narration.narrator = narrator
    doc.narration.focal_character = focal
    attribute(doc, ranker=ranker)
    return doc


def pdnc_speakers_stage(name: str) -> dict[str, Any]:
    """A PDNC novel through the quotes and speakers stages alone, its gold cast given as
    characters: `evaluation.pdnc.score_novel`'s metrics."""
    from ficlens.evaluation import pdnc

    novel = pdnc.load_novel(name)
    cast = [
        (f"c{i}", cast_name, [a for a in aliases if a != cast_name], g if g in "MF" else "U")
        for i, (cast_name, aliases, g) in enumerate(novel.cast)
    ]
    return pdnc.score_novel(novel, passage(novel.text, cast))
