"""What runs inside a batch worker (a pool process or a Ray actor): one pipeline, many works.

`init_worker` builds the pipeline once per process and warms it up on a short story of
its own, so spaCy is loaded once, before the first real work; `analyze_chunk` then turns
raw bytes into table rows (or a contract JSON line) without ever raising: a bad work
becomes an error result and the chunk goes on.
"""

from __future__ import annotations

import os

# One worker per core: keep numeric libraries from starting their own thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import hashlib  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

from ficlens import __version__  # noqa: E402
from ficlens.errors import FiclensError, InputError  # noqa: E402

WARMUP_STORY = (
    "The lighthouse keeper's daughter climbed the stairs. \"Is anyone there?\" Mara asked.\n\n"
    "\"Only me,\" said Tobias, and he set the lantern down beside her.\n"
)

Job = tuple[str, str, bytes]
"""(work id, path, input bytes): one work as sent to a worker."""


@dataclass(slots=True)
class WorkResult:
    """What a worker sends back for one work: table rows or a JSON line, or an error."""

    work_id: str
    path: str
    sha256: str | None
    tables: dict[str, list[dict[str, Any]]] | None = None
    line: str | None = None
    error: str | None = None
    words: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def work_id_for(sha256: str, version: str = __version__) -> str:
    """A work is its input bytes as analysed by one ficlens version: 16 hex digits of both."""
    return hashlib.sha256(f"{sha256}:{version}".encode()).hexdigest()[:16]


class WorkerSetupError(FiclensError):
    """The pipeline cannot be built in a worker: no work can succeed, so the batch stops
    instead of recording every work as failed."""


_SETUP_ERROR: list[str] = []


def init_worker() -> None:
    """Build the pipeline once for this process and run it once so every model is loaded.

    A failure is remembered, not raised: a pool whose initializer raises just looks broken,
    so the first chunk reports it as a `WorkerSetupError` instead.
    """
    try:
        from ficlens.api import analyze_document, pipeline_for
        from ficlens.readers import read_bytes

        pipeline_for(None)
        analyze_document(read_bytes(WARMUP_STORY.encode("utf-8"), "warmup.txt", "txt"))
    except Exception as exc:
        _SETUP_ERROR.append(describe(exc))


def describe(exc: BaseException) -> str:
    """One line: the InputError message, or the exception and where in ficlens it happened."""
    if isinstance(exc, InputError):
        return str(exc)
    msg = " ".join(str(exc).split())[:300]
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if "/ficlens/" in frame.filename:
            where = f" (at {frame.filename.rsplit('/ficlens/', 1)[1]}:{frame.lineno})"
            break
    return f"{type(exc).__name__}: {msg}{where}" if msg else f"{type(exc).__name__}{where}"


def analyze_job(job: Job, fmt: str) -> WorkResult:
    from ficlens.api import analyze_document
    from ficlens.readers import read_bytes

    work_id, path, data = job
    sha = hashlib.sha256(data).hexdigest()
    t0 = time.perf_counter()
    try:
        doc = analyze_document(read_bytes(data, path))
        seconds = time.perf_counter() - t0
        if fmt == "jsonl":
            from ficlens.writers.json import to_dict

            contract = to_dict(doc)
            line = json.dumps({"work_id": work_id, **contract}, ensure_ascii=False)
            return WorkResult(work_id, path, sha, line=line, words=contract["stats"]["words"], seconds=seconds)
        from ficlens.writers.parquet import work_tables

        tables = work_tables(doc, work_id, seconds)
        return WorkResult(work_id, path, sha, tables=tables, words=tables["works"][0]["words"], seconds=seconds)
    except Exception as exc:  # one bad work never stops the batch
        return WorkResult(work_id, path, sha, error=describe(exc), seconds=time.perf_counter() - t0)


def analyze_chunk(jobs: list[Job], fmt: str) -> list[WorkResult]:
    """Analyse a chunk of works in this process (its pipeline is built on first use)."""
    if _SETUP_ERROR:
        raise WorkerSetupError(f"the analysis pipeline cannot start in a worker: {_SETUP_ERROR[0]}")
    return [analyze_job(job, fmt) for job in jobs]
