"""The corpus report: what a batch output folder holds, summarised on one offline page.

It reads the committed Parquet shards of `ficlens batch` (`DIR/<table>/part-*.parquet`, see
docs/tables.md) with pyarrow, aggregates in Python over rows that are already small (one per
work, one per character), and hands the page counts, histograms and the table of works.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ficlens.errors import FiclensError

TOP_GROUPS = 15
TOP_SPEAKERS = 20


def table_files(out: Path, table: str) -> list[Path]:
    """Committed shard files of one table (only shards whose `works` marker exists)."""
    folder = out / table
    if not folder.is_dir():
        return []
    markers = {p.name for p in (out / "works").glob("part-*.parquet")}
    return sorted(p for p in folder.glob("part-*.parquet") if p.name in markers or table == "errors")


def read_rows(out: Path, table: str, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of `table` restricted to the `columns` that exist (missing ones read as None)."""
    rows: list[dict[str, Any]] = []
    for f in table_files(out, table):
        t: pa.Table = pq.read_table(f)
        have = [c for c in columns if c in t.column_names]
        for r in t.select(have).to_pylist():
            rows.append({c: r.get(c) for c in columns})
    return rows


def is_batch_dir(path: Path) -> bool:
    return path.is_dir() and (path / "works").is_dir()


def histogram(values: list[int], bins: int = 12) -> list[dict[str, Any]]:
    """Counts over logarithmic bins, because story lengths span drabbles to epics."""
    vals = [v for v in values if v is not None and v >= 0]
    if not vals:
        return []
    lo, hi = max(1, min(vals)), max(1, max(vals))
    if lo == hi:
        return [{"lo": lo, "hi": hi, "n": len(vals)}]
    llo, lhi = math.log10(lo), math.log10(hi + 1)
    edges = [10 ** (llo + (lhi - llo) * k / bins) for k in range(bins + 1)]
    counts = [0] * bins
    for v in vals:
        k = 0 if v <= lo else min(bins - 1, int((math.log10(max(v, 1)) - llo) / (lhi - llo) * bins))
        counts[k] += 1
    return [
        {"lo": round(edges[k]), "hi": round(edges[k + 1]), "n": counts[k]} for k in range(bins)
    ]


def grouped(values: list[str | None]) -> list[list[Any]]:
    c = Counter(v if v else "unknown" for v in values)
    return [[k, n] for k, n in c.most_common(TOP_GROUPS)]


def corpus_payload(out: Path, report_path: Path | None = None) -> dict[str, Any]:
    """Everything the corpus page draws."""
    if not is_batch_dir(out):
        raise FiclensError(f"{out}: not a batch output folder (no works/ table inside)")
    works = read_rows(
        out,
        "works",
        ["work_id", "path", "title", "authors", "fandoms", "rating", "pov", "tense", "words",
         "chapters", "quotes", "characters", "narrator_name"],
    )
    chars = read_rows(out, "characters", ["work_id", "name", "quote_count", "words_spoken", "mention_count"])
    errors = read_rows(out, "errors", ["work_id", "path", "error"])
    titles = {w["work_id"]: w["title"] or Path(w["path"] or "").name for w in works}
    base = (report_path.parent if report_path else out).resolve()
    rows = []
    for w in sorted(works, key=lambda w: (str(w["title"] or ""), str(w["work_id"]))):
        link = None
        candidate = out / "reports" / f"{w['work_id']}.html"
        if candidate.is_file():
            link = Path(os.path.relpath(candidate.resolve(), base)).as_posix()
        rows.append(
            [
                w["work_id"],
                titles[w["work_id"]],
                ", ".join(w["authors"] or []),
                ", ".join(w["fandoms"] or []),
                w["rating"] or "",
                w["pov"] or "",
                w["tense"] or "",
                w["words"] or 0,
                w["chapters"] or 0,
                w["quotes"] or 0,
                w["characters"] or 0,
                link,
            ]
        )
    fandoms: list[str | None] = []
    for w in works:
        fandoms.extend(w["fandoms"] or [None])
    talkers = sorted(
        (c for c in chars if (c["words_spoken"] or 0) > 0),
        key=lambda c: -(c["words_spoken"] or 0),
    )[:TOP_SPEAKERS]
    return {
        "totals": {
            "works": len(works),
            "words": sum(w["words"] or 0 for w in works),
            "quotes": sum(w["quotes"] or 0 for w in works),
            "characters": len(chars),
            "errors": len(errors),
        },
        "fandoms": grouped(fandoms),
        "ratings": grouped([w["rating"] for w in works]),
        "pov": grouped([w["pov"] for w in works]),
        "tense": grouped([w["tense"] for w in works]),
        "wordsHist": histogram([w["words"] or 0 for w in works]),
        "quotesHist": histogram([w["quotes"] or 0 for w in works]),
        "talkers": [
            [c["name"], titles.get(c["work_id"], c["work_id"]), c["words_spoken"] or 0, c["quote_count"] or 0]
            for c in talkers
        ],
        "works": rows,
        "errors": [[e["path"] or e["work_id"], e["error"]] for e in errors[:200]],
        "source": str(out),
    }
