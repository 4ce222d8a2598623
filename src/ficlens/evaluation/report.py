"""Rich tables for `ficlens eval`: one table per corpus, a row per document, an overall row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

LITBANK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("gold_quotes", "quotes"),
    ("quote_precision", "quote P"),
    ("quote_recall", "quote R"),
    ("quote_f1", "quote F1"),
    ("speaker_accuracy", "speaker"),
    ("speaker_accuracy_gold_cast", "speaker gold cast"),
    ("name_f1", "name F1"),
    ("per_entity_recall", "PER ent R"),
    ("per_mention_recall", "PER mention R"),
    ("coref_accuracy", "coref acc"),
    ("coref_purity", "purity"),
    ("coref_b3_f1", "B3 F1"),
)
PDNC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("words", "words"),
    ("n_gold_spans", "quotes"),
    ("detection_precision", "quote P"),
    ("detection_recall", "quote R"),
    ("detection_f1", "quote F1"),
    ("speaker_accuracy", "speaker"),
    ("speaker_accuracy_gold_cast", "speaker gold cast"),
    ("speaker_accuracy_explicit", "explicit"),
    ("speaker_accuracy_anaphoric", "anaphoric"),
    ("speaker_accuracy_implicit", "implicit"),
    ("seconds", "seconds"),
)


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"detection": {"f1": x}} -> {"detection_f1": x}, so nested results fit one table row."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "_"))
        else:
            out[key] = v
    return out


def document_rows(part: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-document rows of a corpus result, as a list of flat dicts with a `name`."""
    rows = part.get("documents") or part.get("novels") or []
    if isinstance(rows, dict):
        rows = [{"name": k, **v} for k, v in rows.items()]
    return [flatten(r) for r in rows]


def fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def short(name: str, width: int = 32) -> str:
    name = name.removesuffix("_brat")
    return name if len(name) <= width else name[: width - 1] + "…"


def table(
    title: str,
    rows: Sequence[dict[str, Any]],
    overall: dict[str, Any] | None,
    columns: Sequence[tuple[str, str]] | None = None,
) -> Table:
    """A table with one row per document and the overall row last, bold."""
    if columns is None:
        keys: dict[str, None] = {}
        for r in [*rows, overall or {}]:
            for k, v in r.items():
                if k != "name" and isinstance(v, int | float) and not isinstance(v, bool):
                    keys[k] = None
        columns = [(k, k.replace("_", " ")) for k in keys]
    present = [(k, h) for k, h in columns if any(k in r for r in [*rows, overall or {}])]
    t = Table(title=title, show_lines=False)
    t.add_column("document", no_wrap=True)
    for _, header in present:
        t.add_column(header, justify="right")
    for r in rows:
        t.add_row(short(str(r.get("name", ""))), *(fmt(r.get(k)) for k, _ in present))
    if overall:
        t.add_row("overall", *(fmt(overall.get(k)) for k, _ in present), style="bold")
    return t


def transposed(title: str, rows: Sequence[dict[str, Any]], overall: dict[str, Any]) -> Table:
    """Metrics down, documents across: for the seeds, where there are many metrics."""
    t = Table(title=title)
    t.add_column("metric", no_wrap=True)
    for r in rows:
        t.add_column(short(str(r["name"]), 20), justify="right")
    t.add_column("mean", justify="right", style="bold")
    for k in overall:
        t.add_row(k, *(fmt(r.get(k)) for r in rows), fmt(overall[k]))
    return t


def make_console() -> Console:
    """A console wide enough for the tables even when the output is piped to a file."""
    console = Console()
    if not console.is_terminal and console.width < 180:
        console = Console(width=180)
    return console


def print_part(console: Console, title: str, part: dict[str, Any], columns: Any = None) -> None:
    if "missing" in part:
        console.print(f"[yellow]{title}: {part['missing']}[/yellow]")
        return
    overall = flatten(part.get("overall") or {})
    console.print(table(title, document_rows(part), overall, columns))


def print_results(results: dict[str, Any], console: Console | None = None) -> None:
    """Print every corpus in `results` (as built by `ficlens eval`)."""
    console = console or make_console()
    if "litbank" in results:
        print_part(console, "LitBank excerpts (overall: micro-average)", results["litbank"], LITBANK_COLUMNS)
    if "litbank_coref" in results:
        print_part(console, "LitBank character coreference (evaluation/characters.py score_coref; overall: macro mean)", results["litbank_coref"])
    if "pdnc" in results:
        print_part(console, "PDNC novels (overall: micro-average)", results["pdnc"], PDNC_COLUMNS)
    if "pdnc_characters" in results:
        print_part(console, "PDNC character clustering (evaluation/characters.py)", results["pdnc_characters"])
    if "seeds" in results:
        sd = results["seeds"]
        console.print(transposed("Seeds vs gold (../shared/tools/score.py)", sd["documents"], sd["overall"]))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The overall figures of each corpus as Markdown tables, for docs/evaluation.md."""
    out: list[str] = []
    if "litbank" in results:
        o = results["litbank"]["overall"]
        cols = [(k, h) for k, h in LITBANK_COLUMNS if k in o]
        out.append(f"LitBank, {len(results['litbank']['documents'])} excerpts (micro-average):\n")
        out.append(markdown_table([h for _, h in cols], [[o[k] for k, _ in cols]]))
        extra = [k for k in ("coref_accuracy_PROP", "coref_accuracy_NOM", "coref_accuracy_PRON",
                             "coref_b3_p", "coref_b3_r", "name_precision", "name_recall") if k in o]
        out.append("\n" + markdown_table(extra, [[o[k] for k in extra]]))
    lc = results.get("litbank_coref") or {}
    if lc.get("overall"):
        out.append("\nLitBank, characters.py coreference scores (mean over excerpts):\n")
        out.append(markdown_table(list(lc["overall"]), [list(lc["overall"].values())]))
    if results.get("pdnc", {}).get("overall"):
        pd = results["pdnc"]
        rows = document_rows(pd)
        cols = [(k, h) for k, h in PDNC_COLUMNS if any(k in r for r in rows)]
        overall = flatten(pd["overall"])
        body = [[r["name"], *(r.get(k) for k, _ in cols)] for r in rows]
        body.append(["**overall**", *(overall.get(k) for k, _ in cols)])
        out.append("\nPDNC (micro-average over the novels listed):\n")
        out.append(markdown_table(["novel", *(h for _, h in cols)], body))
    pc = results.get("pdnc_characters") or {}
    if pc.get("overall"):
        out.append("\nPDNC character clustering (characters.py, mean over novels):\n")
        out.append(markdown_table(list(pc["overall"]), [list(pc["overall"].values())]))
    if "seeds" in results:
        sd = results["seeds"]
        names = [r["name"][:12] for r in sd["documents"]]
        body = [[k, *(r.get(k) for r in sd["documents"]), v] for k, v in sd["overall"].items()]
        out.append("\nSeeds vs gold (score.py):\n")
        out.append(markdown_table(["metric", *names, "mean"], body))
    return "\n".join(out) + "\n"
