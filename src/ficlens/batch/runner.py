"""A batch run: inputs in, sharded tables out, resumable, with progress and a summary.

The main process walks the inputs, hashes each file's bytes, skips works the dataset
already holds (same content, same ficlens version), and sends the rest in small chunks to
an engine (process pool or Ray). Results come back as table rows, are buffered, and are
committed as one shard of every table every `shard_works` works (or `max_rows` rows, or
`flush_seconds`), so memory is bounded and a killed run loses at most one shard's worth.
"""

from __future__ import annotations

import hashlib
import itertools
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ficlens import __version__
from ficlens.batch.inputs import expand_all
from ficlens.batch.store import ERRORS_TABLE, JSON_TABLE, IdSet, Store, new_run_id
from ficlens.batch.worker import Job, WorkResult, work_id_for
from ficlens.errors import InputError


@dataclass
class Options:
    inputs: list[str]
    out: Path
    fmt: str = "parquet"
    workers: int = 2
    engine: str = "local"
    ray_address: str | None = None
    shard_works: int = 500
    max_rows: int = 200_000
    flush_seconds: float = 60.0
    chunk_works: int = 8
    chunk_bytes: int = 512 * 1024
    recycle: int = 200
    retry_failed: bool = False
    progress: bool = True
    log_interval: float = 10.0


@dataclass
class RunStats:
    """Counts of one run; written to DIR/_runs/<run_id>.json and shown in the summary."""

    run_id: str
    engine: str
    workers: int
    ficlens_version: str = __version__
    found: int = 0
    analysed: int = 0
    failed: int = 0
    skipped_done: int = 0
    skipped_failed: int = 0
    duplicates: int = 0
    words: int = 0
    shards: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(path, error) of this run's first failures, for the summary."""

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def works_per_second(self) -> float:
        return self.analysed / self.seconds if self.seconds else 0.0

    def record(self) -> dict[str, Any]:
        rec = asdict(self)
        rec["words_per_second"] = round(self.words_per_second, 1)
        rec["works_per_second"] = round(self.works_per_second, 3)
        return rec


class ShardBuffer:
    """Results waiting to be written; `flush` commits them as one shard of every table."""

    def __init__(self, store: Store, run_id: str, opts: Options) -> None:
        self.store = store
        self.run_id = run_id
        self.opts = opts
        self.seq = 0
        self.works = 0
        self.rows = 0
        self.since = time.monotonic()
        self.tables: dict[str, list[Any]] = {}

    def add(self, result: WorkResult) -> None:
        if not self.works and not self.rows:
            self.since = time.monotonic()
        if result.error is not None:
            self.tables.setdefault(ERRORS_TABLE, []).append(
                {
                    "work_id": result.work_id,
                    "path": result.path,
                    "sha256": result.sha256,
                    "error": result.error,
                    "time": datetime.now(UTC),
                }
            )
            self.rows += 1
        elif result.line is not None:
            self.tables.setdefault(JSON_TABLE, []).append(result.line)
            self.rows += 1
        else:
            for table, rows in (result.tables or {}).items():
                self.tables.setdefault(table, []).extend(rows)
                self.rows += len(rows)
        self.works += 1

    def due(self) -> bool:
        return (
            self.works >= self.opts.shard_works
            or self.rows >= self.opts.max_rows
            or (self.works > 0 and time.monotonic() - self.since >= self.opts.flush_seconds)
        )

    def flush(self) -> bool:
        if not self.works:
            return False
        self.seq += 1
        shard = f"{self.run_id}-{self.seq:05d}"
        if self.store.fmt == "parquet":
            from ficlens.writers.parquet import TABLES, to_arrow

            data: dict[str, Any] = {t: to_arrow(t, self.tables.get(t, [])) for t in TABLES}
            data = {t: tbl for t, tbl in data.items() if t == "works" or tbl.num_rows}
        else:
            import json

            data = {JSON_TABLE: "".join(line + "\n" for line in self.tables.get(JSON_TABLE, []))}
            errs = self.tables.get(ERRORS_TABLE, [])
            if errs:
                data[ERRORS_TABLE] = "".join(
                    json.dumps({**e, "time": e["time"].isoformat()}, ensure_ascii=False) + "\n"
                    for e in errs
                )
        self.store.commit(shard, data)
        self.tables = {}
        self.works = self.rows = 0
        return True


class Reporter:
    """A rich progress bar on a terminal; otherwise a plain line every `interval` seconds."""

    def __init__(self, enabled: bool, interval: float) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.enabled = enabled
        self.interval = interval
        self.bar: Any = None
        self.task: Any = None
        self.last = 0.0
        self.t0 = time.monotonic()
        if enabled and self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]works"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[wps]:,.0f} words/s"),
                TextColumn("[red]{task.fields[failed]} failed"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.task = self.bar.add_task("batch", total=None, wps=0.0, failed=0)
            self.bar.start()

    def update(self, stats: RunStats, total: int | None) -> None:
        done = stats.analysed + stats.failed + stats.skipped_done + stats.skipped_failed + stats.duplicates
        elapsed = time.monotonic() - self.t0
        wps = stats.words / elapsed if elapsed else 0.0
        if self.bar is not None:
            self.bar.update(self.task, total=total, completed=done, wps=wps, failed=stats.failed)
        elif self.enabled and time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            of = f"/{total}" if total is not None else ""
            self.console.print(
                f"batch: {done}{of} works, {stats.analysed} analysed, {stats.failed} failed, "
                f"{wps:,.0f} words/s, {elapsed:,.0f}s",
                highlight=False,
                soft_wrap=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def make_engine(opts: Options) -> Any:
    from ficlens.batch import engines

    if opts.engine == "ray":
        return engines.RayEngine(opts.workers, opts.fmt, opts.ray_address)
    if opts.workers == 0:
        return engines.InlineEngine(opts.fmt)
    return engines.LocalEngine(opts.workers, opts.fmt, opts.recycle)


def _count(inputs: list[str], skip: Path, box: dict[str, int]) -> None:
    box["total"] = sum(1 for _ in expand_all(inputs, skip))


def run_batch(opts: Options) -> RunStats:
    """Run one batch into `opts.out`; returns its stats (also saved under DIR/_runs/)."""
    out = opts.out.resolve()
    store = Store(out, opts.fmt)
    run_id = new_run_id()
    t0 = time.monotonic()
    # SIGTERM (and SIGINT, even when a background shell ignored it) stop the run cleanly:
    # finished works are committed, the run record is written, a rerun resumes.
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with store.locked():
            store.recover()
            if opts.retry_failed:
                store.drop_errors()
            state = store.state()
            stats = RunStats(run_id, opts.engine, opts.workers)
            engine: Any = None
            buffer = ShardBuffer(store, run_id, opts)
            reporter = Reporter(opts.progress, opts.log_interval)
            box: dict[str, int] = {}
            counter = threading.Thread(target=_count, args=(opts.inputs, out, box), daemon=True)
            counter.start()
            direct: list[WorkResult] = []

            def jobs() -> Iterator[Job]:
                claimed = IdSet()
                for item in expand_all(opts.inputs, out):
                    stats.found += 1
                    if stats.found % 500 == 0:  # keep the display alive while skipping done works
                        reporter.update(stats, box.get("total"))
                    try:
                        data = item.fetch()
                    except InputError as exc:
                        wid = work_id_for("path:" + item.path)
                        if wid in state.failed:
                            stats.skipped_failed += 1
                        else:
                            direct.append(WorkResult(wid, item.path, None, error=str(exc)))
                        continue
                    wid = work_id_for(hashlib.sha256(data).hexdigest())
                    if wid in state.done:
                        stats.skipped_done += 1
                    elif wid in state.failed:
                        stats.skipped_failed += 1
                    elif wid in claimed:
                        stats.duplicates += 1
                    else:
                        claimed.add(wid)
                        yield wid, item.path, data

            def chunks() -> Iterator[list[Job]]:
                chunk: list[Job] = []
                size = 0
                for job in jobs():
                    chunk.append(job)
                    size += len(job[2])
                    if len(chunk) >= opts.chunk_works or size >= opts.chunk_bytes:
                        yield chunk
                        chunk, size = [], 0
                if chunk:
                    yield chunk

            def take(results: list[WorkResult]) -> None:
                for r in results:
                    buffer.add(r)
                    if buffer.due() and buffer.flush():
                        stats.shards += 1
                    if r.error is None:
                        stats.analysed += 1
                        stats.words += r.words
                    else:
                        stats.failed += 1
                        if len(stats.errors) < 20:
                            stats.errors.append((r.path, r.error))
                reporter.update(stats, box.get("total"))

            try:
                pending = chunks()
                first = next(pending, None)
                if first is not None:  # nothing to do: no worker is started, no model loaded
                    engine = make_engine(opts)
                    stats.workers = engine.workers
                    results_iter = engine.run(itertools.chain([first], pending))
                else:
                    results_iter = iter(())
                for results in results_iter:
                    take(results)
                    if direct:
                        take(direct[:])
                        direct.clear()
                take(direct)
            except KeyboardInterrupt:
                stats.interrupted = True
            finally:
                if buffer.flush():
                    stats.shards += 1
                if engine is not None:
                    engine.close()
                reporter.update(stats, box.get("total"))
                reporter.close()
                stats.seconds = round(time.monotonic() - t0, 3)
                store.write_run(run_id, stats.record())
            return stats
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
