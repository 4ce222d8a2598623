"""`ficlens query`: DuckDB views over the batch tables, output formats, and the three example
queries of the README, checked on hand-made tables with known answers and against a
plain-Python computation on a real batch dataset."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from ficlens.batch.query import run_query
from ficlens.batch.store import Store
from ficlens.writers.parquet import to_arrow
from test_batch import read_table, run_cli, shared_dataset

DOCS = Path(__file__).resolve().parents[1] / "README.md"


def examples() -> dict[str, str]:
    """The SQL blocks of the README, keyed by the bold title before each."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.findall(r"\*\*([^*]+)\*\*[^`]*?```sql\n(.*?)```", text, flags=re.S)
    return {title.strip(): sql for title, sql in found}


def sql_for(word: str) -> str:
    return next(sql for title, sql in examples().items() if word in title.lower())


def work(wid: str, fandoms: list[str], rating: str | None, pov: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(to_arrow("works", []).schema.names)
    row.update(work_id=wid, path=f"{wid}.txt", fandoms=fandoms, rating=rating, pov=pov, authors=[],
               archive_warnings=[], relationship_tags=[], warnings=[], words=100)
    return row


def char(wid: str, cid: str, name: str, spoken: int, quotes: int) -> dict[str, Any]:
    return {"work_id": wid, "character_id": cid, "name": name, "aliases": [name], "gender": "U",
            "mention_count": 1, "quote_count": quotes, "words_spoken": spoken}


def quote(wid: str, i: int, speaker: str | None, addressees: list[str]) -> dict[str, Any]:
    return {"work_id": wid, "quote": i, "chapter": 0, "start": i, "end": i + 1, "text": "x",
            "speaker_id": speaker, "speaker_name": None, "addressees": addressees,
            "speech": "spoken", "type": None}


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three invented works in two fandoms, committed as two shards, plus an uncommitted one."""
    out = tmp_path_factory.mktemp("toy")
    store = Store(out, "parquet")
    with store.locked():
        store.commit("t-00001", {
            "works": to_arrow("works", [work("w1", ["Skyharbor"], "T", "first"), work("w2", ["Skyharbor"], "M", "third")]),
            "characters": to_arrow("characters", [
                char("w1", "ada", "Ada", 50, 5), char("w1", "bo", "Bo", 20, 3), char("w1", "cy", "Cy", 0, 0),
                char("w2", "ada", "Ada", 30, 2), char("w2", "dee", "Dee", 60, 4),
            ]),
            "quotes": to_arrow("quotes", [
                quote("w1", 0, "ada", ["bo"]), quote("w1", 1, "bo", ["ada"]), quote("w1", 2, "ada", ["bo", "cy"]),
                quote("w2", 0, "dee", ["ada"]), quote("w2", 1, None, ["ada"]),
            ]),
        })
        store.commit("t-00002", {
            "works": to_arrow("works", [work("w3", [], "T", "first"), work("w4", ["Tidewater"], None, "third")]),
            "characters": to_arrow("characters", [char("w3", "ed", "Ed", 10, 1), char("w4", "bo", "Bo", 5, 1)]),
        })
        # a shard whose works marker never got written (a killed run): must stay invisible
        (out / "characters" / "part-t-00003.parquet").write_bytes(b"garbage")
    return out


def test_views_and_empty_tables(toy: Path) -> None:
    cols, rows = run_query(toy, "SELECT count(*) AS n FROM works")
    assert (cols, rows) == (["n"], [(4,)])
    assert run_query(toy, "SELECT count(*) FROM characters")[1] == [(7,)]
    cols, rows = run_query(toy, "SELECT * FROM relationships")
    assert rows == [] and cols[:3] == ["work_id", "rank", "a"], "an empty table still has its columns"


def test_talkative_characters_per_fandom(toy: Path) -> None:
    _, rows = run_query(toy, sql_for("talkative"))
    got = [(r[0], r[1], int(r[2])) for r in rows]
    assert got == [
        ("(no fandom)", "Ed", 10),
        ("Skyharbor", "Ada", 80),
        ("Skyharbor", "Dee", 60),
        ("Skyharbor", "Bo", 20),
        ("Tidewater", "Bo", 5),
    ]


def test_first_person_share_by_rating(toy: Path) -> None:
    _, rows = run_query(toy, sql_for("first-person"))
    assert [(r[0], r[1], float(r[2])) for r in rows] == [("T", 2, 1.0), ("(unrated)", 1, 0.0), ("M", 1, 0.0)]


def test_top_pairings_by_quotes_exchanged(toy: Path) -> None:
    _, rows = run_query(toy, sql_for("pairings"))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("Ada", "Bo", 3, 1),
        ("Ada", "Cy", 1, 1),
        ("Ada", "Dee", 1, 1),
    ]


def test_cli_output_formats(toy: Path) -> None:
    sql = "SELECT name, aliases FROM characters WHERE work_id = 'w1' ORDER BY name"
    as_json = run_cli("query", str(toy), sql, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [
        {"name": "Ada", "aliases": ["Ada"]}, {"name": "Bo", "aliases": ["Bo"]}, {"name": "Cy", "aliases": ["Cy"]}
    ]
    as_csv = run_cli("query", str(toy), sql, "--csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout)))[:2] == [["name", "aliases"], ["Ada", '["Ada"]']]
    table = run_cli("query", str(toy), sql)
    assert table.returncode == 0 and "Cy" in table.stdout and "3 rows" in table.stdout
    bad = run_cli("query", str(toy), "SELECT nope FROM works")
    assert bad.returncode == 2 and bad.stderr.startswith("ficlens: query failed") and "Traceback" not in bad.stderr
    missing = run_cli("query", str(toy / "absent"), "SELECT 1")
    assert missing.returncode == 2 and "no such folder" in missing.stderr


def test_examples_agree_with_python_on_a_real_batch(tmp_path_factory: pytest.TempPathFactory) -> None:
    """On the batch of samples + seeds, each example query equals the same sum done in Python."""
    out = shared_dataset(tmp_path_factory)["out"]
    works = {w["work_id"]: w for w in read_table(out, "works")}
    chars = read_table(out, "characters")
    quotes = read_table(out, "quotes")
    assert works and chars

    spoken: dict[tuple[str, str], int] = Counter()
    for c in chars:
        if c["words_spoken"] > 0:
            for f in works[c["work_id"]]["fandoms"] or ["(no fandom)"]:
                spoken[(f, c["name"])] += c["words_spoken"]
    top: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (f, name), n in spoken.items():
        top[f].append((-n, name))
    expected = sorted((f, name, -neg) for f, lst in top.items() for neg, name in sorted(lst)[:3])
    _, rows = run_query(out, sql_for("talkative"))
    assert sorted((r[0], r[1], int(r[2])) for r in rows) == expected

    by_rating: dict[str, list[int]] = defaultdict(list)
    for w in works.values():
        by_rating[w["rating"] or "(unrated)"].append(w["pov"] == "first")
    _, rows = run_query(out, sql_for("first-person"))
    assert {r[0]: (r[1], round(float(r[2]), 3)) for r in rows} == {
        k: (len(v), round(sum(v) / len(v), 3)) for k, v in by_rating.items()
    }

    names = {(c["work_id"], c["character_id"]): c["name"] for c in chars}
    pairs: Counter[tuple[str, str]] = Counter()
    for q in quotes:
        for a in q["addressees"]:
            if q["speaker_id"] and a != q["speaker_id"]:
                x, y = names[(q["work_id"], q["speaker_id"])], names[(q["work_id"], a)]
                pairs[(min(x, y), max(x, y))] += 1
    _, rows = run_query(out, sql_for("pairings"))
    assert {(r[0], r[1]): r[2] for r in rows} == dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
