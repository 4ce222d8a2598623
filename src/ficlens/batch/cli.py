"""`ficlens batch`: analyse a corpus into Parquet tables (or JSONL), in parallel, resumably."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ficlens.cli import guarded

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_INTERRUPTED = 130


def print_summary(stats: object, out: Path) -> None:
    """The end-of-run table: what was done, how fast, and the first failures."""
    from rich.console import Console
    from rich.table import Table

    from ficlens.batch.runner import RunStats

    assert isinstance(stats, RunStats)
    table = Table(
        title=f"ficlens batch {stats.run_id}" + (" (interrupted)" if stats.interrupted else ""),
        show_header=False,
    )
    table.add_column("")
    table.add_column("", justify="right")
    rows = [
        ("works found", f"{stats.found:,}"),
        ("analysed (ok)", f"{stats.analysed:,}"),
        ("failed", f"{stats.failed:,}"),
        ("skipped: already done", f"{stats.skipped_done:,}"),
        ("skipped: failed before", f"{stats.skipped_failed:,}"),
        ("skipped: duplicate content", f"{stats.duplicates:,}"),
        ("words", f"{stats.words:,}"),
        ("time", f"{stats.seconds:,.1f} s"),
        ("words/s", f"{stats.words_per_second:,.0f}"),
        ("works/s", f"{stats.works_per_second:,.2f}"),
        ("engine", f"{stats.engine} x {stats.workers}"),
        ("output", str(out)),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console = Console()
    console.print(table)
    if stats.errors:
        console.print("[red]failures[/red] (all in the `errors` table):")
        for path, err in stats.errors[:10]:
            console.print(f"  {err}" if err.startswith(path) else f"  {path}: {err}", highlight=False, soft_wrap=True)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "-o", "out", required=True, type=click.Path(file_okay=False), help="Output folder (created; reused to resume).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "jsonl"]), default="parquet", show_default=True, help="Parquet tables, or one contract JSON document per line.")
@click.option("--workers", "-j", type=int, default=None, help="Worker processes (default: all cores; 0 = in this process).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True, help="Process pool on this machine, or a Ray cluster.")
@click.option("--ray-address", default=None, help="Ray cluster to join (e.g. `auto`, `ray://head:10001`); default: start Ray locally.")
@click.option("--shard-works", type=int, default=500, show_default=True, help="Works per Parquet shard (also bounded by rows and by time).")
@click.option("--chunk-works", type=int, default=8, show_default=True, help="Works sent to a worker at a time.")
@click.option("--retry-failed", is_flag=True, help="Analyse again the works recorded in the errors table.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary table.")
@click.option("--log-interval", type=float, default=10.0, show_default=True, help="Seconds between progress lines when stderr is not a terminal.")
@guarded
def batch(
    inputs: tuple[str, ...],
    out: str,
    fmt: str,
    workers: int | None,
    engine: str,
    ray_address: str | None,
    shard_works: int,
    chunk_works: int,
    retry_failed: bool,
    quiet: bool,
    log_interval: float,
) -> None:
    """Analyse many stories into a dataset of tables in OUT.

    INPUTS are story files (.txt .html .htm .epub), folders (searched recursively for those
    and for .zip archives), glob patterns (quote them; `**` recurses), ZIP archives of
    stories (read in memory; a ZIP that is an EPUB is one story) and path lists: `@FILE` or
    a file ending in .lst/.list, one input per line, relative to the list's folder.

    A rerun skips works already in OUT (same bytes, same ficlens version) and works that
    failed before (unless --retry-failed). Exit status: 0 all ok; 1 some inputs failed
    (see the `errors` table); 2 the batch could not run; 130 interrupted.
    """
    from ficlens.batch.runner import Options, run_batch

    n = (os.cpu_count() or 1) if workers is None else workers
    if n < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--workers")
    if shard_works < 1 or chunk_works < 1:
        raise click.BadParameter("--shard-works and --chunk-works must be at least 1")
    opts = Options(
        inputs=list(inputs),
        out=Path(out),
        fmt=fmt,
        workers=n if engine == "local" or not ray_address else (workers or 0),
        engine=engine,
        ray_address=ray_address,
        shard_works=shard_works,
        chunk_works=chunk_works,
        retry_failed=retry_failed,
        progress=not quiet,
        log_interval=log_interval,
    )
    stats = run_batch(opts)
    if not quiet:
        print_summary(stats, Path(out))
    if stats.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if stats.failed or stats.skipped_failed:
        sys.exit(EXIT_SOME_FAILED)
