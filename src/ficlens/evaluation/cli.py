"""`ficlens eval`: score ficlens on LitBank, PDNC and the seed stories, print rich tables.

Each corpus has its own module; PDNC and character-clustering evaluations are imported
lazily, so a missing or broken one is reported in a line and the others still run.
"""

from __future__ import annotations

import importlib
import inspect
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ficlens.cli import guarded

CORPORA = ("litbank", "pdnc", "seeds", "all")


def optional(module: str, name: str) -> Callable[..., Any] | str:
    """The function `module.name`, or a sentence saying why it is not available."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return f"{module} is not written yet; skipped"
        raise
    fn = getattr(mod, name, None)
    return fn if callable(fn) else f"{module}.{name} does not exist yet; skipped"


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call `fn` with the keyword arguments it accepts (other modules' signatures may grow)."""
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(**kwargs)
    return fn(**{k: v for k, v in kwargs.items() if k in params})


def select(names: list[str], only: str | None, limit: int | None) -> list[str]:
    """Names that start with one of the comma-separated `only` prefixes, then the first `limit`."""
    if only:
        prefixes = [p.strip() for p in only.split(",") if p.strip()]
        names = [n for n in names if n.startswith(tuple(prefixes))]
    return names[:limit] if limit else names


def pdnc_novels(limit: int | None, only: str | None = None) -> list[str] | None:
    """The PDNC novel folders to score (alphabetical), or None for all."""
    if not limit and not only:
        return None
    from ficlens.evaluation.paths import shared_dir

    folders = sorted(p.name for p in (shared_dir() / "data" / "pdnc" / "data").iterdir() if p.is_dir())
    return select(folders, only, limit)


def run_litbank(limit: int | None, cast: str, only: str | None = None) -> dict[str, Any]:
    """LitBank with the system's own characters and/or the gold cast."""
    from ficlens.evaluation.litbank import doc_names, evaluate_litbank

    names = select(doc_names(), only, limit)
    if not names:
        return {"missing": f"no LitBank excerpt name starts with {only!r}"}
    if cast == "gold":
        return evaluate_litbank(names=names, use_gold_cast=True)
    result = evaluate_litbank(names=names)
    if cast == "both":
        gold = evaluate_litbank(names=names, use_gold_cast=True)
        for row, grow in zip(result["documents"], gold["documents"], strict=True):
            row["speaker_accuracy_gold_cast"] = grow["speaker_accuracy"]
        result["overall"]["speaker_accuracy_gold_cast"] = gold["overall"]["speaker_accuracy"]
        result["gold_cast"] = gold
    return result


def run_optional(module: str, name: str, **kwargs: Any) -> dict[str, Any]:
    fn = optional(module, name)
    if isinstance(fn, str):
        return {"missing": fn}
    return call(fn, **kwargs)


def run_pdnc(limit: int | None, cast: str, only: str | None = None) -> dict[str, Any]:
    """PDNC quotes and speakers (evaluation/pdnc.py), with the gold cast too when asked."""
    novels = pdnc_novels(limit, only)
    if novels == []:
        return {"missing": f"no PDNC novel name starts with {only!r}"}
    module, name = "ficlens.evaluation.pdnc", "evaluate_pdnc"
    if cast == "gold":
        return run_optional(module, name, novels=novels, use_gold_cast=True)
    result = run_optional(module, name, novels=novels, use_gold_cast=False)
    if cast == "both" and "missing" not in result:
        result["gold_cast"] = run_optional(module, name, novels=novels, use_gold_cast=True)
        gold = result["gold_cast"]
        if "speaker_accuracy" in (gold.get("overall") or {}):
            result["overall"]["speaker_accuracy_gold_cast"] = gold["overall"]["speaker_accuracy"]
        for name, row in (result.get("novels") or {}).items():
            grow = (gold.get("novels") or {}).get(name) or {}
            if "speaker_accuracy" in grow:
                row["speaker_accuracy_gold_cast"] = grow["speaker_accuracy"]
    return result


@click.command("eval")
@click.option("--corpus", type=click.Choice(CORPORA), default="all", show_default=True, help="Which reference data to score on.")
@click.option("--limit", type=int, default=None, help="Only the first N documents/novels of each corpus (quick runs).")
@click.option("--only", default=None, help="Only LitBank excerpts / PDNC novels whose names start with these comma-separated prefixes.")
@click.option("--cast", "cast", type=click.Choice(["system", "gold", "both"]), default="system", show_default=True, help="Speakers with ficlens' own characters, with the gold cast passed as Config(cast=...), or both.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None, help="Also write all numbers to this JSON file.")
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False), default=None, help="Also write the overall tables as Markdown (for docs/evaluation.md).")
@guarded
def evaluate(
    corpus: str, limit: int | None, only: str | None, cast: str, json_out: str | None, md_out: str | None
) -> None:
    """Score ficlens on LitBank, PDNC and the seed stories (../shared/data, ../shared/gold)."""
    from ficlens.evaluation.report import markdown, print_results

    wanted = ("litbank", "pdnc", "seeds") if corpus == "all" else (corpus,)
    results: dict[str, Any] = {"cast": cast, "limit": limit, "only": only}
    timings: dict[str, float] = {}
    for name in wanted:
        t0 = time.perf_counter()
        if name == "litbank":
            results["litbank"] = run_litbank(limit, cast, only)
            if "missing" not in results["litbank"]:
                results["litbank_coref"] = results["litbank"].pop(
                    "characters", {"missing": "ficlens.evaluation.characters.score_coref is not available"}
                )
        elif name == "pdnc":
            results["pdnc"] = run_pdnc(limit, cast, only)
            if "missing" not in results["pdnc"]:
                results["pdnc_characters"] = run_optional(
                    "ficlens.evaluation.characters", "evaluate_pdnc_characters", novels=pdnc_novels(limit, only)
                )
        else:
            from ficlens.evaluation.seeds import evaluate_seeds

            results["seeds"] = evaluate_seeds(limit)
        timings[name] = round(time.perf_counter() - t0, 1)
    results["seconds"] = timings
    print_results(results)
    if json_out:
        Path(json_out).write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    if md_out:
        Path(md_out).write_text(markdown(results), encoding="utf-8")
