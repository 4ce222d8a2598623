"""`ficlens eval` end to end: LitBank tables, seeds against the outside scorer, lazy modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, GOLD, SEEDS, SHARED, analyze, require_shared
from ficlens.cli import main
from ficlens.evaluation import cli as eval_cli
from ficlens.evaluation import litbank


def run_eval(tmp_path: Path, *args: str) -> tuple[str, dict]:
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(main, ["eval", *args, "--json", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, json.loads(out.read_text(encoding="utf-8"))


def test_eval_litbank_limit_2_prints_the_table_and_writes_numbers(tmp_path: Path) -> None:
    require_shared()
    output, data = run_eval(tmp_path, "--corpus", "litbank", "--limit", "2")
    assert "LitBank" in output and "overall" in output and "speaker" in output
    docs = data["litbank"]["documents"]
    assert len(docs) == 2
    names = litbank.doc_names(DATA / "litbank")[:2]
    assert [d["name"] for d in docs] == names
    for d in docs:
        ann = DATA / "litbank" / "quotations" / "tsv" / f"{d['name']}.ann"
        n_quotes = sum(line.startswith("QUOTE\t") for line in ann.read_text(encoding="utf-8").splitlines())
        assert d["gold_quotes"] == n_quotes > 0
        assert d["name"].removesuffix("_brat")[:20] in output
    overall = data["litbank"]["overall"]
    assert overall["gold_quotes"] == sum(d["gold_quotes"] for d in docs)
    for key in ("quote_precision", "quote_recall", "quote_f1", "speaker_accuracy", "coref_accuracy", "coref_b3_f1"):
        assert 0.0 <= overall[key] <= 1.0
    # the quotes stage exists, so the excerpts' dialogue must be found
    assert overall["quote_recall"] > 0.5


def test_eval_litbank_gold_cast_variant_is_reported_beside_the_system_cast(tmp_path: Path) -> None:
    require_shared()
    output, data = run_eval(tmp_path, "--corpus", "litbank", "--limit", "1", "--cast", "both")
    assert "gold cast" in output
    row = data["litbank"]["documents"][0]
    assert 0.0 <= row["speaker_accuracy_gold_cast"] <= 1.0
    assert data["litbank"]["gold_cast"]["use_gold_cast"] is True


def test_eval_seeds_agrees_with_the_outside_scorer(tmp_path: Path) -> None:
    require_shared()
    output, data = run_eval(tmp_path, "--corpus", "seeds")
    assert "Seeds vs gold" in output
    rows = {r["name"]: r for r in data["seeds"]["documents"]}
    assert sorted(rows) == [s.stem for s in SEEDS]
    for seed in SEEDS:
        system = tmp_path / f"{seed.stem}.json"
        system.write_text(json.dumps(analyze(seed)), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, str(SHARED / "tools" / "score.py"), str(GOLD / f"{seed.stem}.gold.json"),
             str(system), str(seed), "--json"],
            capture_output=True, text=True, check=True,
        )
        expected = json.loads(proc.stdout)
        got = {k: v for k, v in rows[seed.stem].items() if k != "name"}
        assert got.keys() == expected.keys()
        for k, v in expected.items():
            assert got[k] == pytest.approx(v), (seed.stem, k)


def test_missing_evaluation_modules_are_reported_not_fatal() -> None:
    msg = eval_cli.optional("ficlens.evaluation.not_written_yet", "evaluate")
    assert isinstance(msg, str) and "not written yet" in msg
    msg = eval_cli.optional("ficlens.evaluation.litbank", "no_such_function")
    assert isinstance(msg, str) and "does not exist" in msg
    assert "not written yet" in eval_cli.run_optional("ficlens.evaluation.not_written_yet", "f")["missing"]

def test_only_selects_by_prefix_and_reports_no_match() -> None:
    names = ["105_a", "1064_b", "76_c"]
    assert eval_cli.select(names, "10", None) == ["105_a", "1064_b"]
    assert eval_cli.select(names, "76,105", 1) == ["105_a"]
    assert eval_cli.select(names, "zzz", None) == []
    assert "no LitBank excerpt" in eval_cli.run_litbank(None, "system", "zzz")["missing"]


def test_call_passes_only_the_arguments_a_function_takes() -> None:
    def f(novels: list[str] | None = None) -> list[str] | None:
        return novels

    assert eval_cli.call(f, novels=["A"], limit=3) == ["A"]


@pytest.mark.slow
def test_eval_pdnc_one_novel(tmp_path: Path) -> None:
    require_shared()
    output, data = run_eval(tmp_path, "--corpus", "pdnc", "--only", "DaisyMiller")
    assert "PDNC" in output
    if "missing" not in data["pdnc"]:
        assert 0.0 <= data["pdnc"]["overall"]["speaker_accuracy"] <= 1.0


def test_bench_builds_a_story_of_chapters_from_pdnc_novels(tmp_path: Path) -> None:
    require_shared()
    import importlib.util

    spec = importlib.util.spec_from_file_location("ficlens_bench_speed", Path(__file__).parents[1] / "bench" / "speed.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    story = tmp_path / "epic.txt"
    words = bench.build_epic(30_000, story)
    text = story.read_text(encoding="utf-8")
    assert 30_000 <= words <= 31_000
    assert abs(len(text.split()) - words) <= 5
    assert text.startswith("Chapter 1\n\n")
    headings = [line for line in text.splitlines() if line.startswith("Chapter ") and line[8:].isdigit()]
    assert 1 <= len(headings) <= 3  # the first novel alone nearly fills 30,000 words
    facts = bench.machine()
    assert facts["nproc"] >= 1 and facts["python"].startswith("3.")
