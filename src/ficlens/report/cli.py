"""`ficlens report PATH -o report.html`: a story report for a story file (or its analysis JSON),
or a corpus report for a `ficlens batch` output folder."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ficlens.cli import guarded
from ficlens.document import Document
from ficlens.errors import FiclensError, InputError


def load_document(path: str, cast_path: str | None) -> Document:
    """Analyse a story file, or read back an analysis JSON written by `ficlens analyze`."""
    from ficlens.api import analyze_path
    from ficlens.report.data import document_from_dict

    p = Path(path)
    if p.suffix.lower() == ".json" and p.is_file():
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, f"is not an analysis JSON file ({exc})") from None
        if not isinstance(data, dict) or "text" not in data or "ficlens_version" not in data:
            raise InputError(path, "is JSON but not a ficlens analysis document")
        return document_from_dict(data)
    return analyze_path(path, cast_path=cast_path)


def write_work_reports(out: Path) -> int:
    """Write DIR/reports/<work_id>.html for every work whose source file is still readable."""
    from ficlens.api import analyze_path
    from ficlens.report import story_html
    from ficlens.report.corpus import read_rows

    written = 0
    for w in read_rows(out, "works", ["work_id", "path"]):
        src = w["path"]
        if not src or not Path(src).is_file():
            continue
        try:
            doc = analyze_path(src)
        except FiclensError as exc:
            click.echo(f"ficlens: {exc}", err=True)
            continue
        publish(str(out / "reports" / f"{w['work_id']}.html"), story_html(doc))
        written += 1
    return written


@click.command()
@click.argument("path")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True, help="Write the HTML report here.")
@click.option("--cast", "cast_path", type=click.Path(dir_okay=False), help="Known characters: `Name: alias, alias` per line.")
@click.option("--per-work", is_flag=True, help="For a batch folder: also write DIR/reports/<work_id>.html per work.")
@guarded
def report(path: str, output: str, cast_path: str | None, per_work: bool) -> None:
    """Write an offline HTML report of a story (file or analysis JSON) or of a batch folder."""
    from ficlens.report import corpus_html, story_html
    from ficlens.report.corpus import is_batch_dir

    p = Path(path)
    if p.is_dir():
        if not is_batch_dir(p):
            raise InputError(path, "is a folder but not a `ficlens batch` output (no works/ table)")
        if per_work:
            n = write_work_reports(p)
            click.echo(f"wrote {n} per-work reports to {p / 'reports'}", err=True)
        publish(output, corpus_html(p, Path(output)))
        return
    publish(output, story_html(load_document(path, cast_path)))


def publish(output: str, page: str) -> None:
    """Write the page atomically: readers never see half a report."""
    from ficlens.writers.json import write_atomic

    write_atomic(output, page)
