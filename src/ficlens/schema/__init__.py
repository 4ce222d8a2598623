"""The JSON Schema of the analysis document, shipped with the package."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any


def schema_text() -> str:
    return files("ficlens.schema").joinpath("analysis.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def analysis_schema() -> dict[str, Any]:
    return json.loads(schema_text())
