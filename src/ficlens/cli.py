"""The `ficlens` command line: a thin layer over readers, the pipeline and writers."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from ficlens import __version__
from ficlens.errors import FiclensError

# Subcommands that live beside the code they drive, loaded only when called.
LAZY_COMMANDS: dict[str, str] = {
    "batch": "ficlens.batch.cli:batch",
    "query": "ficlens.batch.query:query",
    "report": "ficlens.report.cli:report",
    "eval": "ficlens.evaluation.cli:evaluate",
    "train": "ficlens.evaluation.train:train",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                return None
        return super().get_command(ctx, name)


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit: what users see instead of a traceback."""
    click.echo(f"ficlens: {message}", err=True)
    sys.exit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any error into one line on stderr (set FICLENS_DEBUG=1 for the traceback)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FiclensError as exc:
            fail(str(exc), 2)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("FICLENS_DEBUG"):
                raise
            where = kwargs.get("path") or ""
            fail(f"{where}: internal error: {type(exc).__name__}: {exc}".lstrip(": "), 70)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ficlens")
def main() -> None:
    """Read fan fiction like a careful reader and write down what it found."""


@main.command()
@click.argument("path")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write JSON here (default: stdout).")
@click.option("--cast", "cast_path", type=click.Path(dir_okay=False), help="Known characters: `Name [F]: alias, alias` per line (gender mark optional).")
@click.option("--summary", is_flag=True, help="Print a readable summary instead of JSON.")
@click.option("--indent", type=int, default=None, help="Indent the JSON by this many spaces.")
@guarded
def analyze(path: str, output: str | None, cast_path: str | None, summary: bool, indent: int | None) -> None:
    """Analyse one story file (.txt, .html, .epub, or - for stdin) and emit the contract JSON."""
    from ficlens.api import analyze_path
    from ficlens.writers.json import dumps, write_atomic

    doc = analyze_path(path, cast_path=cast_path)
    if summary:
        from ficlens.report.summary import print_summary

        print_summary(doc)
        return
    data = dumps(doc, indent=indent)
    if output:
        write_atomic(output, data + "\n")
    else:
        click.echo(data)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the analysis document."""
    from ficlens.schema import schema_text

    click.echo(schema_text())


if __name__ == "__main__":
    main()
