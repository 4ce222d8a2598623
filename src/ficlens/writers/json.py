"""The analysis document of ../CONTRACT.md as a plain dict, and as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ficlens import __version__
from ficlens.document import Document


def to_dict(doc: Document) -> dict[str, Any]:
    """The contract fields first, then ficlens' own additions."""
    chars = []
    for c in doc.characters:
        chars.append(
            {
                "id": c.id,
                "name": c.name,
                "aliases": list(c.aliases),
                "gender": c.gender,
                "mention_count": c.mention_count,
                "mentions": [[m.start, m.end] for m in c.mentions],
                "mention_kinds": [m.kind for m in c.mentions],
                **c.extra,
            }
        )
    quotes = [
        {
            "start": q.start,
            "end": q.end,
            "text": doc.text[q.start : q.end],
            "speaker": q.speaker,
            "addressees": list(q.addressees),
            "speech": q.speech,
            **q.extra,
        }
        for q in doc.quotes
    ]
    return {
        "ficlens_version": __version__,
        "source": {
            "path": doc.source.path,
            "format": doc.source.format,
            "sha256": doc.source.sha256,
        },
        "metadata": doc.metadata,
        "text": doc.text,
        "paratext": [{"kind": p.kind, "start": p.start, "end": p.end} for p in doc.paratext],
        "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in doc.chapters],
        "scenes": [{"chapter": s.chapter, "start": s.start, "end": s.end} for s in doc.scenes],
        "narration": {
            "pov": doc.narration.pov,
            "tense": doc.narration.tense,
            "narrator": doc.narration.narrator,
            "focal_character": doc.narration.focal_character,
            **doc.narration.extra,
        },
        "characters": chars,
        "quotes": quotes,
        "relationships": [
            {"a": r.a, "b": r.b, "kind": r.kind, "score": round(r.score, 4), **r.extra}
            for r in doc.relationships
        ],
        "warnings": list(doc.warnings),
        "consistency": list(doc.layers.get("consistency", [])),
        "stats": {"words": doc.word_count(), "characters": len(doc.text)},
    }


def dumps(doc: Document, indent: int | None = None) -> str:
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=indent)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
