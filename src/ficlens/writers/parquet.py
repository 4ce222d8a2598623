"""Corpus tables: one analysed `Document` as rows of flat tables, and their Parquet schemas.

`ficlens batch` writes one table per entity (works, chapters, scenes, paratext, characters,
quotes, relationships, errors) so a corpus of millions of works can be queried with SQL
without loading any document. Rows are plain dicts so a worker process can build them and
ship them back cheaply; the schemas are explicit so every shard of a table has the same
columns and types whatever the data (docs/tables.md documents them).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from typing import Any

import pyarrow as pa

from ficlens import __version__
from ficlens.document import Document

STR = pa.string()
STRS = pa.list_(pa.string())
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
TS = pa.timestamp("ms", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "works": pa.schema(
        [
            ("work_id", STR),
            ("path", STR),
            ("format", STR),
            ("sha256", STR),
            ("bytes", I64),
            ("ficlens_version", STR),
            ("title", STR),
            ("authors", STRS),
            ("fandoms", STRS),
            ("rating", STR),
            ("language", STR),
            ("archive_warnings", STRS),
            ("relationship_tags", STRS),
            ("metadata", STR),
            ("words", I64),
            ("text_chars", I64),
            ("chapters", I32),
            ("scenes", I32),
            ("paratext_blocks", I32),
            ("characters", I32),
            ("quotes", I32),
            ("relationships", I32),
            ("pov", STR),
            ("tense", STR),
            ("narrator_id", STR),
            ("narrator_name", STR),
            ("focal_character_id", STR),
            ("focal_character_name", STR),
            ("warnings", STRS),
            ("seconds", F64),
        ]
    ),
    "chapters": pa.schema(
        [
            ("work_id", STR),
            ("chapter", I32),
            ("title", STR),
            ("start", I64),
            ("end", I64),
            ("words", I64),
        ]
    ),
    "scenes": pa.schema(
        [
            ("work_id", STR),
            ("scene", I32),
            ("chapter", I32),
            ("start", I64),
            ("end", I64),
        ]
    ),
    "paratext": pa.schema(
        [
            ("work_id", STR),
            ("block", I32),
            ("kind", STR),
            ("start", I64),
            ("end", I64),
            ("text", STR),
        ]
    ),
    "characters": pa.schema(
        [
            ("work_id", STR),
            ("character_id", STR),
            ("name", STR),
            ("aliases", STRS),
            ("gender", STR),
            ("mention_count", I32),
            ("quote_count", I32),
            ("words_spoken", I64),
        ]
    ),
    "quotes": pa.schema(
        [
            ("work_id", STR),
            ("quote", I32),
            ("chapter", I32),
            ("start", I64),
            ("end", I64),
            ("text", STR),
            ("speaker_id", STR),
            ("speaker_name", STR),
            ("addressees", STRS),
            ("speech", STR),
            ("type", STR),
        ]
    ),
    "relationships": pa.schema(
        [
            ("work_id", STR),
            ("rank", I32),
            ("a", STR),
            ("b", STR),
            ("a_name", STR),
            ("b_name", STR),
            ("kind", STR),
            ("score", F64),
        ]
    ),
    "errors": pa.schema(
        [
            ("work_id", STR),
            ("path", STR),
            ("sha256", STR),
            ("error", STR),
            ("time", TS),
        ]
    ),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
TIMING_COLUMNS: dict[str, tuple[str, ...]] = {"works": ("seconds",), "errors": ("time",)}
"""Columns that differ between two runs over the same inputs (tests ignore them)."""


def _strings(value: Any) -> list[str]:
    """Metadata values arrive as a string, a list, or nothing; tables want list<string>."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and str(v) != ""]
    return [str(value)]


def _string(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def work_tables(doc: Document, work_id: str, seconds: float = 0.0) -> dict[str, list[dict[str, Any]]]:
    """All table rows of one analysed document (every table present, maybe empty)."""
    text = doc.text
    md = doc.metadata or {}
    names = {c.id: c.name for c in doc.characters}
    quote_count: Counter[str] = Counter()
    words_spoken: Counter[str] = Counter()
    chapter_starts = [c.start for c in doc.chapters]
    quotes = []
    for i, q in enumerate(doc.quotes):
        qtext = text[q.start : q.end]
        if q.speaker is not None:
            quote_count[q.speaker] += 1
            words_spoken[q.speaker] += len(qtext.split())
        quotes.append(
            {
                "work_id": work_id,
                "quote": i,
                "chapter": max(bisect_right(chapter_starts, q.start) - 1, 0) if chapter_starts else None,
                "start": q.start,
                "end": q.end,
                "text": qtext,
                "speaker_id": q.speaker,
                "speaker_name": names.get(q.speaker) if q.speaker else None,
                "addressees": list(q.addressees),
                "speech": q.speech,
                "type": _string(q.extra.get("type")),
            }
        )
    narration = doc.narration
    works = {
        "work_id": work_id,
        "path": doc.source.path,
        "format": doc.source.format,
        "sha256": doc.source.sha256,
        "bytes": doc.source.size,
        "ficlens_version": __version__,
        "title": _string(md.get("title")),
        "authors": _strings(md.get("authors")),
        "fandoms": _strings(md.get("fandoms")),
        "rating": _string(md.get("rating")),
        "language": _string(md.get("language")),
        "archive_warnings": _strings(md.get("warnings")),
        "relationship_tags": _strings(md.get("relationships")),
        "metadata": json.dumps(md, ensure_ascii=False, default=str),
        "words": doc.word_count(),
        "text_chars": len(text),
        "chapters": len(doc.chapters),
        "scenes": len(doc.scenes),
        "paratext_blocks": len(doc.paratext),
        "characters": len(doc.characters),
        "quotes": len(doc.quotes),
        "relationships": len(doc.relationships),
        "pov": narration.pov,
        "tense": narration.tense,
        "narrator_id": narration.narrator,
        "narrator_name": names.get(narration.narrator) if narration.narrator else None,
        "focal_character_id": narration.focal_character,
        "focal_character_name": names.get(narration.focal_character)
        if narration.focal_character
        else None,
        "warnings": [str(w) for w in doc.warnings],
        "seconds": round(seconds, 4),
    }
    return {
        "works": [works],
        "chapters": [
            {
                "work_id": work_id,
                "chapter": i,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "words": len(text[c.start : c.end].split()),
            }
            for i, c in enumerate(doc.chapters)
        ],
        "scenes": [
            {"work_id": work_id, "scene": i, "chapter": s.chapter, "start": s.start, "end": s.end}
            for i, s in enumerate(doc.scenes)
        ],
        "paratext": [
            {
                "work_id": work_id,
                "block": i,
                "kind": p.kind,
                "start": p.start,
                "end": p.end,
                "text": text[p.start : p.end],
            }
            for i, p in enumerate(doc.paratext)
        ],
        "characters": [
            {
                "work_id": work_id,
                "character_id": c.id,
                "name": c.name,
                "aliases": list(c.aliases),
                "gender": c.gender,
                "mention_count": c.mention_count,
                "quote_count": quote_count[c.id],
                "words_spoken": words_spoken[c.id],
            }
            for c in doc.characters
        ],
        "quotes": quotes,
        "relationships": [
            {
                "work_id": work_id,
                "rank": i,
                "a": r.a,
                "b": r.b,
                "a_name": names.get(r.a),
                "b_name": names.get(r.b),
                "kind": r.kind,
                "score": float(r.score),
            }
            for i, r in enumerate(doc.relationships)
        ],
        "errors": [],
    }


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of `table` as an Arrow table with its fixed schema (empty rows give an empty table)."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])
