"""The output folder of a batch: sharded tables, written atomically, that double as resume state.

Layout (Parquet): `DIR/<table>/part-<shard>.parquet` for every table of
`ficlens.writers.parquet.SCHEMAS`; (JSONL): `DIR/json/part-<shard>.jsonl` with one contract
document per line and `DIR/errors/part-<shard>.jsonl`.

A shard is committed when its *marker* file exists (`works/part-X.parquet`, or
`json/part-X.jsonl`): the other tables' files of shard X are renamed into place first and
the marker last, each through a temporary name and `os.replace`, so a run killed at any
moment leaves only whole files. Readers (`ficlens query`) only look at files of committed
shards, and the next run deletes leftovers (temporary files, files of uncommitted shards).
The set of work ids in committed shards is the resume state: nothing else to keep in sync.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.errors import FiclensError

TMP_SUFFIX = ".tmp"
JSON_TABLE = "json"
ERRORS_TABLE = "errors"


def marker_table(fmt: str) -> str:
    return "works" if fmt == "parquet" else JSON_TABLE


def suffix_of(fmt: str) -> str:
    return ".parquet" if fmt == "parquet" else ".jsonl"


def shard_of(path: Path) -> str:
    """`part-<shard>.parquet` -> `<shard>`."""
    return path.name.split(".", 1)[0].removeprefix("part-")


def new_run_id() -> str:
    """Sortable by start time, unique across concurrent hosts."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def atomic_write_bytes(path: Path, write: Any) -> None:
    """Call `write(tmp_path)`, then rename over `path`: never a half-written `path`."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def committed_files(out: Path, table: str, fmt: str = "parquet") -> list[Path]:
    """Files of `table` that belong to committed shards, in shard order."""
    suffix = suffix_of(fmt)
    marker = out / marker_table(fmt)
    if not marker.is_dir():
        return []
    committed = {shard_of(p) for p in marker.glob(f"part-*{suffix}")}
    folder = out / table
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"part-*{suffix}") if shard_of(p) in committed)


def detect_format(out: Path) -> str:
    """`parquet` or `jsonl`, from what an existing output folder holds."""
    if (out / JSON_TABLE).is_dir() and not (out / "works").is_dir():
        return "jsonl"
    return "parquet"


class IdSet:
    """A set of work ids (16 hex digits: 64 bits) in 8 bytes each, so that resuming a batch
    over millions of works does not hold millions of Python strings: a sorted uint64 array,
    plus a small set of recent additions merged into it now and then."""

    MERGE_AT = 200_000

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        self.update(ids)

    @staticmethod
    def _key(wid: str) -> int:
        return int(wid, 16)

    def add(self, wid: str) -> None:
        self._recent.add(self._key(wid))
        if len(self._recent) >= self.MERGE_AT:
            self._merge()

    def update(self, ids: Iterable[str | None]) -> None:
        hexes = [wid for wid in ids if wid and len(wid) == 16]
        if hexes:
            self._merge()
            fresh = np.unique(np.frombuffer(bytes.fromhex("".join(hexes)), dtype=">u8").astype(np.uint64))
            self._sorted = np.union1d(self._sorted, fresh) if len(self._sorted) else fresh

    def _merge(self) -> None:
        if self._recent:
            fresh = np.array(sorted(self._recent), dtype=np.uint64)
            self._sorted = np.union1d(self._sorted, fresh)
            self._recent.clear()

    def __contains__(self, wid: object) -> bool:
        if not isinstance(wid, str):
            return False
        try:
            key = self._key(wid)
        except ValueError:
            return False
        if key in self._recent:
            return True
        i = int(np.searchsorted(self._sorted, np.uint64(key)))
        return i < len(self._sorted) and int(self._sorted[i]) == key

    def __len__(self) -> int:
        self._merge()
        return len(self._sorted)

    def remove_all(self, other: IdSet) -> None:
        """Drop every id that `other` holds."""
        self._merge()
        other._merge()
        self._sorted = np.setdiff1d(self._sorted, other._sorted, assume_unique=True)

    @property
    def nbytes(self) -> int:
        return self._sorted.nbytes + 64 * len(self._recent)


@dataclass
class DoneState:
    """Work ids already in the dataset: analysed, or failed (with their error rows)."""

    done: IdSet = field(default_factory=IdSet)
    failed: IdSet = field(default_factory=IdSet)


class Store:
    """One output folder, owned by one batch run at a time (an advisory lock enforces it)."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.suffix = suffix_of(fmt)
        self.marker = marker_table(fmt)
        self._lock_file: Any = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[Store]:
        self.out.mkdir(parents=True, exist_ok=True)
        if self.fmt == "parquet" and (self.out / JSON_TABLE).is_dir():
            raise FiclensError(f"{self.out}: holds a --format jsonl dataset; use another folder")
        if self.fmt == "jsonl" and (self.out / "works").is_dir():
            raise FiclensError(f"{self.out}: holds a Parquet dataset; use another folder")
        fh = open(self.out / ".lock", "w")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise FiclensError(f"{self.out}: another `ficlens batch` is writing here") from None
        try:
            yield self
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def tables(self) -> list[Path]:
        return sorted(p for p in self.out.iterdir() if p.is_dir() and not p.name.startswith("_"))

    def recover(self) -> int:
        """Delete what a killed run left: temporary files and files of uncommitted shards."""
        removed = 0
        marker_dir = self.out / self.marker
        committed = {shard_of(p) for p in marker_dir.glob(f"part-*{self.suffix}")} if marker_dir.is_dir() else set()
        for folder in self.tables():
            for p in folder.iterdir():
                stale = p.name.endswith(TMP_SUFFIX) or (
                    p.name.startswith("part-") and shard_of(p) not in committed
                )
                if stale:
                    p.unlink(missing_ok=True)
                    removed += 1
        return removed

    def drop_errors(self) -> int:
        """Forget recorded failures so they are tried again (`--retry-failed`)."""
        files = list((self.out / ERRORS_TABLE).glob(f"part-*{self.suffix}"))
        for p in files:
            p.unlink(missing_ok=True)
        return len(files)

    def state(self) -> DoneState:
        st = DoneState()
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            for p in committed_files(self.out, "works"):
                st.done.update(pq.read_table(p, columns=["work_id"]).column(0).to_pylist())
            for p in committed_files(self.out, ERRORS_TABLE):
                st.failed.update(pq.read_table(p, columns=["work_id"]).column(0).to_pylist())
        else:
            prefix = len('{"work_id": "')
            for p in committed_files(self.out, JSON_TABLE, "jsonl"):
                with open(p, encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            st.done.add(line[prefix : line.index('"', prefix)])
            for p in committed_files(self.out, ERRORS_TABLE, "jsonl"):
                with open(p, encoding="utf-8") as fh:
                    st.failed.update(json.loads(line)["work_id"] for line in fh if line.strip())
        st.failed.remove_all(st.done)
        return st

    def commit(self, shard: str, tables: dict[str, Any]) -> None:
        """Write one shard of every table (non-empty ones; the marker always), marker last."""
        names = [t for t in tables if t != self.marker] + [self.marker]
        for table in names:
            data = tables.get(table)
            if table != self.marker and not data:
                continue
            folder = self.out / table
            folder.mkdir(exist_ok=True)
            path = folder / f"part-{shard}{self.suffix}"
            if self.fmt == "parquet":
                import pyarrow.parquet as pq

                atomic_write_bytes(path, lambda tmp, d=data: pq.write_table(d, tmp, compression="zstd"))
            else:
                atomic_write_bytes(path, lambda tmp, d=data: Path(tmp).write_text(d or "", encoding="utf-8"))

    def write_run(self, run_id: str, record: dict[str, Any]) -> None:
        folder = self.out / "_runs"
        folder.mkdir(exist_ok=True)
        text = json.dumps(record, indent=2, ensure_ascii=False)
        atomic_write_bytes(folder / f"{run_id}.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
