"""Stages and the pipeline that runs them, in the manner of spaCy's `Language` and components.

A stage is a function `(doc, config) -> None` that adds one layer to the document. Stages
register under a name with the layers they need and make; the pipeline orders them once
and can be built once per process and reused for many documents (batch workers do that).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ficlens.document import Document

StageFn = Callable[[Document, "Config"], None]


@dataclass
class Config:
    """Options every stage may read. `cast` is a user-supplied character list (`--cast`)."""

    cast: list[tuple[str, list[str]]] | None = None
    use_spacy: bool = True
    chunk_chars: int = 200_000
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stage:
    name: str
    fn: StageFn
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()


REGISTRY: dict[str, Stage] = {}

# The default order; each module registers its stage(s) on import.
DEFAULT_STAGES: tuple[str, ...] = (
    "structure",
    "quotes",
    "tokens",
    "narration",
    "characters",
    "narrator",
    "coref",
    "speakers",
    "relationships",
    "consistency",
)
STAGE_MODULES: tuple[str, ...] = (
    "ficlens.stages.structure",
    "ficlens.stages.quotes",
    "ficlens.stages.tokens",
    "ficlens.stages.narration",
    "ficlens.stages.characters",
    "ficlens.stages.narrator",
    "ficlens.stages.coref",
    "ficlens.stages.speakers",
    "ficlens.stages.relationships",
    "ficlens.stages.consistency",
)


def stage(
    name: str, requires: tuple[str, ...] = (), provides: tuple[str, ...] = ()
) -> Callable[[StageFn], StageFn]:
    """Register a stage function under `name`."""

    def register(fn: StageFn) -> StageFn:
        REGISTRY[name] = Stage(name, fn, requires, provides or (name,))
        return fn

    return register


def load_stage_modules() -> None:
    for mod in STAGE_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


class Pipeline:
    """An ordered list of stages; build it once, call it on many documents."""

    def __init__(self, stages: tuple[str, ...] = DEFAULT_STAGES, config: Config | None = None):
        load_stage_modules()
        self.config = config or Config()
        self.stages = [REGISTRY[name] for name in stages if name in REGISTRY]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, doc: Document) -> Document:
        for st in self.stages:
            st.fn(doc, self.config)
        return doc
