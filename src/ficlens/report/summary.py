"""`ficlens analyze PATH --summary`: what was found, readable in a terminal.

Story text and metadata are printed as plain `Text` objects, never parsed as Rich markup,
so a title like "[bold]" or a name with brackets shows as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ficlens.document import Document
from ficlens.report.data import as_list, as_text

MAX_ROWS = 20
MAX_WARNINGS = 12
NEWLINE = re.compile("\n")


def cast_table(doc: Document) -> Table:
    quotes: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for q in doc.quotes:
        if q.speaker and q.speech != "other":
            quotes[q.speaker] += 1
            words[q.speaker] += len(doc.text[q.start : q.end].split())
    size = max(len(doc.text), 1)
    table = Table(title="Cast", title_justify="left", header_style="bold", expand=False)
    for col, justify in (
        ("Character", "left"),
        ("Aliases", "left"),
        ("G", "center"),
        ("Mentions", "right"),
        ("Quotes", "right"),
        ("Words", "right"),
        ("First", "right"),
        ("Last", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    ranked = sorted(doc.characters, key=lambda c: -(c.mention_count + 3 * quotes[c.id]))
    for c in ranked[:MAX_ROWS]:
        starts = [m.start for m in c.mentions] + [q.start for q in doc.quotes if q.speaker == c.id]
        first = f"{100 * min(starts) // size}%" if starts else "-"
        last = f"{100 * max(starts) // size}%" if starts else "-"
        aliases = ", ".join(a for a in c.aliases if a != c.name)
        table.add_row(
            Text(c.name, style="bold"),
            Text(aliases, style="dim"),
            c.gender,
            str(c.mention_count),
            str(quotes[c.id]),
            str(words[c.id]),
            first,
            last,
        )
    if len(ranked) > MAX_ROWS:
        table.caption = f"and {len(ranked) - MAX_ROWS} more"
    return table


def print_summary(doc: Document, console: Console | None = None) -> None:
    """Print title, narration, cast, top pairing and consistency warnings."""
    console = console or Console()
    md = doc.metadata or {}
    title = as_text(md.get("title")) or doc.source.path
    head = Text(title, style="bold")
    byline = " \u00b7 ".join(
        x for x in (", ".join(as_list(md.get("authors"))), ", ".join(as_list(md.get("fandoms"))), as_text(md.get("rating"))) if x
    )
    if byline:
        head.append("\n" + byline, style="dim")
    n = doc.narration
    narrator = doc.character(n.narrator)
    focal = doc.character(n.focal_character)
    facts = [
        ("POV", n.pov),
        ("Tense", n.tense),
        ("Narrator", narrator.name if narrator else "-"),
        ("Focal character", focal.name if focal else "-"),
        ("Words", f"{doc.word_count():,}"),
        ("Chapters", str(len(doc.chapters))),
        ("Scenes", str(len(doc.scenes))),
        ("Paratext blocks", str(len(doc.paratext))),
        ("Quotations", f"{len(doc.quotes)} ({sum(1 for q in doc.quotes if q.speaker)} attributed)"),
    ]
    for key, value in facts:
        head.append(f"\n{key}: ", style="cyan")
        head.append(value)
    if doc.relationships:
        r = doc.relationships[0]
        a, b = doc.character(r.a), doc.character(r.b)
        head.append("\nTop pairing: ", style="cyan")
        head.append(f"{a.name if a else r.a} & {b.name if b else r.b}", style="bold magenta")
        head.append(f" ({r.kind})")
    console.print(Panel(head, title="ficlens", title_align="left", expand=False))
    if doc.characters:
        console.print(cast_table(doc))
    else:
        console.print(Text("No characters found.", style="dim"))
    found = doc.layers.get("consistency") or []
    if found:
        table = Table(title=f"Consistency ({len(found)})", title_justify="left", header_style="bold")
        table.add_column("Kind")
        table.add_column("Line", justify="right")
        table.add_column("Message")
        newlines = [m.start() for m in NEWLINE.finditer(doc.text)]
        for w in found[:MAX_WARNINGS]:
            line = bisect_left(newlines, w["start"]) + 1
            table.add_row(Text(w["kind"], style="yellow"), str(line), Text(w["message"]))
        if len(found) > MAX_WARNINGS:
            table.caption = f"and {len(found) - MAX_WARNINGS} more (see `ficlens report`)"
        console.print(table)
    for w in doc.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
