"""The Python API: `analyze_path` and `analyze_text`, what the CLI and batch workers call."""

from __future__ import annotations

from functools import lru_cache

from ficlens.cast import read_cast
from ficlens.document import Document
from ficlens.pipeline import Config, Pipeline
from ficlens.readers import read_bytes, read_path


@lru_cache(maxsize=4)
def default_pipeline() -> Pipeline:
    return Pipeline()


def pipeline_for(cast: list[tuple[str, list[str]]] | None) -> Pipeline:
    if cast is None:
        return default_pipeline()
    return Pipeline(config=Config(cast=cast))


def analyze_document(doc: Document, cast: list[tuple[str, list[str]]] | None = None) -> Document:
    return pipeline_for(cast)(doc)


def analyze_path(path: str, cast_path: str | None = None) -> Document:
    cast = read_cast(cast_path) if cast_path else None
    return analyze_document(read_path(path), cast)


def analyze_text(text: str, name: str = "<text>") -> Document:
    return analyze_document(read_bytes(text.encode("utf-8"), name, "txt"))
