"""`ficlens query DIR "SQL"`: DuckDB over the tables a batch wrote, one view per table.

Each view reads only the files of committed shards (see `ficlens.batch.store`), so a query
run while a batch is writing, or after one was killed, sees whole works only. A table with
no rows yet is still a view, empty but with its documented columns, so example queries
work on any dataset.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from ficlens.cli import guarded
from ficlens.errors import FiclensError


def sql_list(files: list[Path]) -> str:
    """A SQL list literal of file names (DDL cannot take prepared parameters)."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def connect(out: Path) -> Any:
    """An in-memory DuckDB connection with a view per table of the dataset in `out`."""
    import duckdb

    from ficlens.batch.store import JSON_TABLE, committed_files, detect_format
    from ficlens.writers.parquet import SCHEMAS

    if not out.is_dir():
        raise FiclensError(f"{out}: no such folder (run `ficlens batch ... --out {out}` first)")
    con = duckdb.connect()
    fmt = detect_format(out)
    if fmt == "jsonl":
        for table in (JSON_TABLE, "errors"):
            files = committed_files(out, table, "jsonl")
            if files:
                con.execute(
                    f"CREATE VIEW {table} AS SELECT * FROM "
                    f"read_json_auto({sql_list(files)}, format='newline_delimited')"
                )
        return con
    names = sorted(set(SCHEMAS) | {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("_")})
    for table in names:
        files = committed_files(out, table)
        if files:
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet({sql_list(files)}, union_by_name=true)')
        elif table in SCHEMAS:
            con.register(f"_{table}_empty", SCHEMAS[table].empty_table())
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM "_{table}_empty"')
    return con


def run_query(out: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over the dataset in `out`."""
    import duckdb

    con = connect(out)
    try:
        cur = con.execute(sql)
    except duckdb.Error as exc:
        raise FiclensError(f"query failed: {' '.join(str(exc).split())}") from None
    if cur.description is None:
        return [], []
    cols = [d[0] for d in cur.description]
    return cols, cur.fetchall()


def _plain(value: Any) -> Any:
    """JSON/CSV friendly values: lists stay lists, dates and decimals become strings/floats."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


@click.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.argument("sql")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to stdout.")
@click.option("--json", "as_json", is_flag=True, help="Write a JSON list of row objects to stdout.")
@click.option("--limit", type=int, default=200, show_default=True, help="Rows shown in the table view.")
@guarded
def query(out: str, sql: str, as_csv: bool, as_json: bool, limit: int) -> None:
    """Run SQL (DuckDB) over the tables of a batch output folder OUT.

    Tables: works, chapters, scenes, paratext, characters, quotes, relationships, errors
    (columns in docs/tables.md); a --format jsonl folder has `json` and `errors`.
    Example: ficlens query out/ "SELECT pov, count(*) FROM works GROUP BY pov"
    """
    cols, rows = run_query(Path(out), sql)
    if as_json:
        click.echo(json.dumps([dict(zip(cols, map(_plain, r), strict=True)) for r in rows], ensure_ascii=False, indent=1))
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([json.dumps(_plain(v), ensure_ascii=False) if isinstance(v, list | dict) else v for v in r])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*cols, caption=f"{len(rows):,} rows" + (f", first {limit} shown" if len(rows) > limit else ""))
    for r in rows[:limit]:
        table.add_row(*("" if v is None else str(v) for v in r))
    Console().print(table)
