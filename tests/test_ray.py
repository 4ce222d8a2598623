"""`--engine ray`: a local single-node Ray (started by the CLI) writes the same tables as the
process-pool engine on the same inputs. One Ray start only: it costs tens of seconds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ficlens.writers.parquet import SCHEMAS, TIMING_COLUMNS
from test_batch import last_run, read_table, run_cli, shared_dataset

pytest.importorskip("ray")


def comparable(out: Any, table: str) -> list[str]:
    """Rows of a table without timing columns, as sorted JSON strings."""
    drop = TIMING_COLUMNS.get(table, ())
    rows = [{k: v for k, v in r.items() if k not in drop} for r in read_table(out, table)]
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def test_ray_engine_writes_the_same_tables(tmp_path_factory: pytest.TempPathFactory) -> None:
    local = shared_dataset(tmp_path_factory)
    out = tmp_path_factory.mktemp("ray") / "out"
    proc = run_cli("batch", *local["inputs"]["args"], "--out", str(out), "--engine", "ray", "--workers", "2", timeout=600)
    assert proc.returncode == local["proc"].returncode == 1, proc.stderr[-3000:]
    run = last_run(out)
    assert run["engine"] == "ray" and run["workers"] == 2
    assert run["analysed"] == local["run"]["analysed"] > 0
    for table in SCHEMAS:
        assert comparable(out, table) == comparable(local["out"], table), table


def crash_on_marker(chunk: list[tuple[str, str, bytes]], fmt: str) -> list[Any]:
    """A stand-in analyser: dies like a segfault on one input."""
    import os

    from ficlens.batch.worker import WorkResult

    if any(b"CRASH" in data for _, _, data in chunk):
        os._exit(139)
    return [WorkResult(wid, path, None, line=fmt, words=len(data.split())) for wid, path, data in chunk]


def test_a_dying_ray_actor_costs_only_its_own_work() -> None:
    """The actor holding a crashing work dies with two chunks on it; only that work fails."""
    import sys

    import ray
    from ray import cloudpickle

    from ficlens.batch.engines import DIED, RayEngine

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    jobs = [(f"w{i}", f"s{i}.txt", b"CRASH" if i == 5 else b"a few words") for i in range(12)]
    engine = RayEngine(2, "jsonl", analyze=crash_on_marker)
    try:
        results = [r for chunk in engine.run(iter([jobs[i : i + 3] for i in range(0, 12, 3)])) for r in chunk]
    finally:
        engine.close()
        if ray.is_initialized():
            ray.shutdown()
    assert sorted(r.work_id for r in results) == sorted(j[0] for j in jobs)
    assert [r.work_id for r in results if r.error] == ["w5"]
    assert next(r for r in results if r.error).error == DIED
