"""`ficlens batch`: inputs of every kind, Parquet tables and their relations, errors, resume,
kill -9 safety and the JSONL format. The reference files are read in place from ../shared;
the extra stories are written here, in tmp, from original template prose."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, SEEDS, require_shared, validate
from ficlens.batch.inputs import expand_all
from ficlens.batch.store import Store, committed_files
from ficlens.batch.worker import work_id_for
from ficlens.writers.parquet import SCHEMAS

NAMES = ["Mara Venn", "Tobias Hale", "Ines Okoro", "Corwin Ash", "Lida Park", "Rowan Fell"]
LINES = [
    "We should go before the tide turns",
    "I never said I would stay",
    "Hand me the lantern, would you",
    "The letters were never sent",
    "You knew about the map all along",
    "Nobody crosses the marsh at night",
    "Then we wait for morning",
    "I kept your compass, you know",
]
NARRATION = [
    "The wind came in off the grey water and rattled the shutters.",
    "{a} looked at {b} for a long moment before answering.",
    "Somewhere below, a door banged twice and fell silent.",
    "{a} folded the letter along its old creases.",
    "The kettle had gone cold on the stove hours ago.",
    "{b} counted the steps to the landing without meaning to.",
]


def make_story(seed: int, paragraphs: int = 40) -> str:
    """An original, deterministic little story with named characters and dialogue."""
    rng = random.Random(seed)
    cast = rng.sample(NAMES, 3)
    title = f"The Marsh Light, part {seed}"
    out = [title, ""]
    for i in range(paragraphs):
        a, b = rng.sample(cast, 2)
        first = a.split()[0]
        if i % 2:
            out.append(f'"{rng.choice(LINES)}," {first} said to {b.split()[0]}. {rng.choice(NARRATION).format(a=first, b=b.split()[0])}')
        else:
            out.append(" ".join(rng.choice(NARRATION).format(a=first, b=b.split()[0]) for _ in range(3)))
        out.append("")
    return "\n".join(out)


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ficlens", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def read_table(out: Path, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in committed_files(out, table):
        rows.extend(pq.read_table(f).to_pylist())
    return rows


def last_run(out: Path) -> dict[str, Any]:
    runs = sorted((out / "_runs").glob("*.json"))
    return json.loads(runs[-1].read_text(encoding="utf-8"))


def make_inputs(root: Path) -> dict[str, Any]:
    """The mixed input set: bad files, a ZIP of two stories (one in a subfolder), a path list."""
    root.mkdir(parents=True, exist_ok=True)
    empty = root / "empty.txt"
    empty.write_bytes(b"")
    binary = root / "noise.txt"
    binary.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(4096)) + b"\x00" * 64)
    archive = root / "two_stories.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("one.txt", make_story(1))
        zf.writestr("more/two.txt", make_story(2))
        zf.writestr("notes.md", "not a story extension, skipped")
    listed = root / "listed"
    listed.mkdir()
    (listed / "three.txt").write_text(make_story(3), encoding="utf-8")
    lst = root / "inputs.lst"
    lst.write_text("# one input per line\nlisted/three.txt\n", encoding="utf-8")
    return {
        "args": [str(SAMPLES), str(SEEDS[0].parent), str(empty), str(binary), str(archive), str(lst)],
        "bad": {str(empty), str(binary)},
        "zip_members": {f"{archive}!one.txt", f"{archive}!more/two.txt"},
    }


_DATASET: dict[str, Any] = {}


def shared_dataset(factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One batch run (2 workers) over samples + seeds + the tmp inputs, shared by test modules."""
    if not _DATASET:
        require_shared()
        root = factory.mktemp("batch")
        inputs = make_inputs(root / "in")
        out = root / "out"
        proc = run_cli("batch", *inputs["args"], "--out", str(out), "--workers", "2")
        _DATASET.update(inputs=inputs, out=out, proc=proc, run=last_run(out))
    return _DATASET


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return shared_dataset(tmp_path_factory)


def test_inputs_expand_every_kind(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    epub_in_zip = tmp_path / "book.zip"
    with zipfile.ZipFile(epub_in_zip, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", "<container/>")
    (tmp_path / "in" / "deep").mkdir()
    (tmp_path / "in" / "deep" / "four.htm").write_text("<html><body><p>Hi.</p></body></html>")
    (tmp_path / "in" / "deep" / "skip.json").write_text("{}")
    paths = [i.path for i in expand_all([*inputs["args"][2:], str(epub_in_zip), str(tmp_path / "in" / "**" / "*.htm")])]
    assert inputs["zip_members"] <= set(paths)
    assert not any(p.endswith("notes.md") for p in paths)
    assert str(epub_in_zip) in paths, "a ZIP that is an EPUB is one story"
    assert str(tmp_path / "in" / "listed" / "three.txt") in paths, "path list entries resolve beside the list"
    assert str(tmp_path / "in" / "deep" / "four.htm") in paths, "glob with ** recurses"
    dir_paths = [i.path for i in expand_all([str(tmp_path / "in")], skip=(tmp_path / "in" / "listed").resolve())]
    assert not any("listed" in p for p in dir_paths), "the output folder is never read as input"
    assert any(p.endswith("deep/four.htm") for p in dir_paths)
    missing = list(expand_all([str(tmp_path / "nope.txt"), f"@{tmp_path / 'none.lst'}"]))
    assert len(missing) == 2
    for item in missing:
        with pytest.raises(Exception, match="no such|cannot be read"):
            item.fetch()


def test_tables_exist_with_their_schemas(dataset: dict[str, Any]) -> None:
    out = dataset["out"]
    for table, schema in SCHEMAS.items():
        if table in ("works", "errors", "characters", "quotes", "chapters"):
            files = committed_files(out, table)
            assert files, f"no {table} shards"
            for f in files:
                assert pq.read_schema(f).remove_metadata() == schema, table
    assert not list(out.rglob("*.tmp"))


def test_works_errors_and_relations(dataset: dict[str, Any]) -> None:
    out, inputs, proc = dataset["out"], dataset["inputs"], dataset["proc"]
    assert proc.returncode == 1, proc.stderr[-2000:]
    works = read_table(out, "works")
    errors = read_table(out, "errors")
    found = [i.path for i in expand_all(inputs["args"])]
    assert dataset["run"]["found"] == len(found)
    assert len(works) + len(errors) + dataset["run"]["duplicates"] == len(found)
    assert {e["path"] for e in errors} >= inputs["bad"]
    messages = {e["path"]: e["error"] for e in errors}
    assert "empty" in messages[next(p for p in inputs["bad"] if p.endswith("empty.txt"))]
    assert "binary" in messages[next(p for p in inputs["bad"] if p.endswith("noise.txt"))]
    paths = {w["path"] for w in works}
    assert inputs["zip_members"] <= paths
    assert {str(s) for s in SEEDS} <= paths
    ids = [w["work_id"] for w in works]
    assert len(ids) == len(set(ids))
    for w in works:
        assert w["work_id"] == work_id_for(w["sha256"])
        assert w["words"] > 0 and w["ficlens_version"]
    chars = read_table(out, "characters")
    quotes = read_table(out, "quotes")
    rels = read_table(out, "relationships")
    char_keys = {(c["work_id"], c["character_id"]) for c in chars}
    assert {c["work_id"] for c in chars} <= set(ids)
    for q in quotes:
        assert q["work_id"] in ids
        assert q["speaker_id"] is None or (q["work_id"], q["speaker_id"]) in char_keys
        assert all((q["work_id"], a) in char_keys for a in q["addressees"])
    for r in rels:
        assert (r["work_id"], r["a"]) in char_keys and (r["work_id"], r["b"]) in char_keys
    per_work = {w["work_id"]: w for w in works}
    for table, column in (("quotes", "quotes"), ("characters", "characters"), ("chapters", "chapters")):
        counts: dict[str, int] = {}
        for row in read_table(out, table):
            counts[row["work_id"]] = counts.get(row["work_id"], 0) + 1
        assert all(per_work[w][column] == counts.get(w, 0) for w in per_work), table
    spoken: dict[tuple[str, str], int] = {}
    for q in quotes:
        if q["speaker_id"]:
            key = (q["work_id"], q["speaker_id"])
            spoken[key] = spoken.get(key, 0) + 1
    assert all(c["quote_count"] == spoken.get((c["work_id"], c["character_id"]), 0) for c in chars)


def test_rows_match_the_contract_json(dataset: dict[str, Any]) -> None:
    """The tables say what `ficlens analyze` says, for a seed read in place."""
    from conftest import analyze

    seed = SEEDS[0]
    result = analyze(seed)
    validate(result)
    out = dataset["out"]
    work = next(w for w in read_table(out, "works") if w["path"] == str(seed))
    assert work["sha256"] == result["source"]["sha256"]
    assert work["pov"] == result["narration"]["pov"]
    quotes = sorted((q for q in read_table(out, "quotes") if q["work_id"] == work["work_id"]), key=lambda q: q["quote"])
    assert [(q["start"], q["end"], q["text"]) for q in quotes] == [
        (q["start"], q["end"], q["text"]) for q in result["quotes"]
    ]
    names = {c["character_id"]: c["name"] for c in read_table(out, "characters") if c["work_id"] == work["work_id"]}
    assert names == {c["id"]: c["name"] for c in result["characters"]}


def test_rerun_analyses_nothing(dataset: dict[str, Any]) -> None:
    out, inputs = dataset["out"], dataset["inputs"]
    before = len(read_table(out, "works"))
    proc = run_cli("batch", *inputs["args"], "--out", str(out), "--workers", "1", "--quiet")
    run = last_run(out)
    assert run["analysed"] == 0 and run["failed"] == 0
    assert run["skipped_done"] == before
    assert run["skipped_failed"] == len(read_table(out, "errors"))
    assert proc.returncode == 1, "inputs that failed before still make the status non-zero"
    assert len(read_table(out, "works")) == before


def test_kill_9_leaves_a_consistent_dataset_and_resume_redoes_only_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "stories"
    src.mkdir()
    total = 12
    for i in range(total):
        (src / f"s{i:02d}.txt").write_text(make_story(100 + i, paragraphs=80), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ficlens", "batch", str(src), "--out", str(out), "-j", "1",
           "--shard-works", "1", "--chunk-works", "1", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(committed_files(out, "works")) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {w["work_id"] for w in read_table(out, "works")}
    assert 2 <= len(done_before) < total, "the run must be killed midway"
    # whatever a reader sees is whole works: every quote's work is in works
    assert {q["work_id"] for q in read_table(out, "quotes")} <= done_before
    # what a kill can leave behind (a half-written temp file, a shard without its works marker)
    (out / "quotes" / "part-zzz-00001.parquet.tmp").write_bytes(b"PAR1 half")
    orphan = out / "characters" / "part-zzz-00002.parquet"
    orphan.write_bytes(b"PAR1 half")
    from ficlens.batch.query import run_query

    _, rows = run_query(out, "SELECT count(*) FROM characters")
    assert rows[0][0] == len(read_table(out, "characters"))
    rerun = run_cli("batch", str(src), "--out", str(out), "-j", "1", "-q")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    run = last_run(out)
    assert run["skipped_done"] == len(done_before)
    assert run["analysed"] == total - len(done_before)
    works = read_table(out, "works")
    assert len(works) == total and len({w["work_id"] for w in works}) == total
    assert not orphan.exists() and not list(out.rglob("*.tmp"))


def test_store_commit_is_atomic_per_shard(tmp_path: Path) -> None:
    from ficlens.writers.parquet import to_arrow

    store = Store(tmp_path, "parquet")
    with store.locked():
        row = {"work_id": "w1", "character_id": "c", "name": "N", "aliases": [], "gender": "U",
               "mention_count": 1, "quote_count": 0, "words_spoken": 0}
        (tmp_path / "characters").mkdir()
        pq.write_table(to_arrow("characters", [row]), tmp_path / "characters" / "part-a-00001.parquet")
        assert committed_files(tmp_path, "characters") == [], "no works marker yet: invisible"
        store.commit("a-00001", {"works": to_arrow("works", []), "characters": to_arrow("characters", [row])})
        assert len(committed_files(tmp_path, "characters")) == 1
        with pytest.raises(Exception, match="another"), Store(tmp_path, "parquet").locked():
            pass


def test_jsonl_format_and_its_resume(tmp_path: Path) -> None:
    require_shared()
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(make_story(11), encoding="utf-8")
    (src / "b.txt").write_text(make_story(12), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), str(SEEDS[1]), "--out", str(out), "--format", "jsonl", "-j", "0", "-q")
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(x) for f in committed_files(out, "json", "jsonl") for x in f.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    for doc in lines:
        wid = doc.pop("work_id")
        assert wid == work_id_for(doc["source"]["sha256"])
        validate(doc)
    assert {d["source"]["path"] for d in lines} == {str(src / "a.txt"), str(src / "b.txt"), str(SEEDS[1])}
    (src / "c.txt").write_text(make_story(13), encoding="utf-8")
    again = run_cli("batch", str(src), str(SEEDS[1]), "--out", str(out), "--format", "jsonl", "-j", "0", "-q")
    assert again.returncode == 0
    run = last_run(out)
    assert (run["analysed"], run["skipped_done"]) == (1, 3)
    from ficlens.batch.query import run_query

    _, rows = run_query(out, "SELECT count(*), count(DISTINCT source.sha256) FROM json")
    assert rows == [(4, 4)]
    mixed = run_cli("batch", str(src), "--out", str(out), "-q")
    assert mixed.returncode == 2 and "jsonl" in mixed.stderr


def crash_on_marker(chunk: list[tuple[str, str, bytes]], fmt: str) -> list[Any]:
    """A stand-in analyser for the pool test: dies like a segfault on one input."""
    from ficlens.batch.worker import WorkResult

    if any(b"CRASH" in data for _, _, data in chunk):
        os._exit(139)
    return [WorkResult(wid, path, None, line=fmt, words=len(data.split())) for wid, path, data in chunk]


def test_a_dying_worker_costs_only_its_own_work() -> None:
    from ficlens.batch.engines import DIED, LocalEngine

    jobs = [(f"w{i}", f"s{i}.txt", b"CRASH" if i == 5 else b"a few words") for i in range(12)]
    engine = LocalEngine(2, "jsonl", analyze=crash_on_marker, initializer=None)
    try:
        results = [r for chunk in engine.run(iter([jobs[i : i + 4] for i in range(0, 12, 4)])) for r in chunk]
    finally:
        engine.close()
    assert sorted(r.work_id for r in results) == sorted(j[0] for j in jobs)
    assert [r.work_id for r in results if r.error] == ["w5"]
    assert next(r for r in results if r.error).error == DIED


def test_docs_list_every_column() -> None:
    """docs/tables.md documents each table's columns with their Arrow types, in order."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "tables.md").read_text(encoding="utf-8")
    for table, schema in SCHEMAS.items():
        section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
        rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", section, flags=re.M)
        documented = [(name, kind.strip().replace("list<string>", "list<item: string>")) for name, kind in rows]
        assert documented == [(f.name, str(f.type)) for f in schema], table


def test_done_ids_take_eight_bytes_each() -> None:
    """Resume state for millions of works: work ids as 64-bit keys, not Python strings."""
    import secrets

    from ficlens.batch.store import IdSet
    from ficlens.batch.worker import work_id_for

    ids = [work_id_for(secrets.token_hex(32)) for _ in range(300_000)]
    done = IdSet(ids[:200_000])
    for wid in ids[200_000:]:
        done.add(wid)
    assert len(done) == 300_000
    assert done.nbytes <= 8 * 300_000 + 64 * IdSet.MERGE_AT
    assert all(wid in done for wid in ids[::997])
    assert work_id_for("not analysed") not in done
    assert "not-a-hex-id" not in done and None not in done
    failed = IdSet([ids[0], work_id_for("failed once")])
    failed.remove_all(done)
    assert len(failed) == 1 and work_id_for("failed once") in failed
