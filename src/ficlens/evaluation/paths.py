"""Where the reference data lives: ../shared beside the repo, or $FICLENS_SHARED."""

from __future__ import annotations

import os
from pathlib import Path

from ficlens.errors import InputError


def shared_dir() -> Path:
    """The read-only reference folder (seeds, gold, data, tools); never copied into the repo."""
    env = os.environ.get("FICLENS_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parents[3].parent / "shared", Path.cwd().parent / "shared"]
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    raise InputError(str(candidates[0]), "reference data folder not found (set FICLENS_SHARED)")
