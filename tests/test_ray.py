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
