"""Where chunks of works get analysed: in this process, in a local process pool, or on Ray.

Every engine has the same shape, `run(chunks) -> iterator of result lists`, keeps only a
few chunks in flight (memory stays bounded however many works there are) and yields
results as they complete. Each worker process or Ray actor builds the pipeline once.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from ficlens.batch.worker import (
    Job,
    WorkerSetupError,
    WorkResult,
    analyze_chunk,
    describe,
    init_worker,
)

DIED = "worker process died while analysing this work (crash or out of memory)"


class Engine(Protocol):
    workers: int

    def run(self, chunks: Iterator[list[Job]]) -> Iterator[list[WorkResult]]: ...

    def close(self) -> None: ...


def _failed(chunk: list[Job], error: str) -> list[WorkResult]:
    return [WorkResult(wid, path, None, error=error) for wid, path, _ in chunk]


class InlineEngine:
    """Analyse in this very process (`--workers 0`): for debugging and tiny inputs."""

    workers = 1

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        init_worker()

    def run(self, chunks: Iterator[list[Job]]) -> Iterator[list[WorkResult]]:
        for chunk in chunks:
            yield analyze_chunk(chunk, self.fmt)

    def close(self) -> None:
        """Nothing to release."""


class LocalEngine:
    """A pool of spawned processes, each with its own pipeline, recycled now and then.

    Workers are restarted after `recycle` chunks so spaCy's ever-growing string store cannot
    make memory creep on a long run. If a worker dies (segfault, out of memory), the chunks
    then in flight are retried one work at a time, alone, so only the culprit is recorded
    as failed.
    """

    def __init__(
        self,
        workers: int,
        fmt: str,
        recycle: int = 200,
        analyze: Callable[[list[Job], str], list[WorkResult]] = analyze_chunk,
        initializer: Callable[[], None] | None = init_worker,
    ) -> None:
        self.workers = max(1, workers)
        self.fmt = fmt
        self.recycle = recycle
        self.analyze = analyze
        self.initializer = initializer
        self.inflight = 2 * self.workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=self.initializer,
            max_tasks_per_child=self.recycle,
        )

    def _restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def run(self, chunks: Iterator[list[Job]]) -> Iterator[list[WorkResult]]:
        pending: dict[Future[list[WorkResult]], tuple[list[Job], bool]] = {}
        suspects: deque[list[Job]] = deque()
        exhausted = False
        while True:
            isolating = any(s for _, s in pending.values())
            while not isolating and len(pending) < self.inflight:
                if suspects:
                    chunk, suspect = suspects.popleft(), True
                    if pending:  # a suspect runs alone, once the others have finished
                        suspects.appendleft(chunk)
                        break
                elif not exhausted:
                    nxt = next(chunks, None)
                    if nxt is None:
                        exhausted = True
                        continue
                    chunk, suspect = nxt, False
                else:
                    break
                pending[self.pool.submit(self.analyze, chunk, self.fmt)] = (chunk, suspect)
                isolating = suspect
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk, suspect = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    if suspect:
                        yield _failed(chunk, DIED)
                    else:
                        suspects.extend([job] for job in chunk)
                except WorkerSetupError:
                    raise
                except Exception as exc:  # e.g. a result that cannot be pickled
                    yield _failed(chunk, describe(exc))
            if broken:
                for chunk, _ in pending.values():
                    suspects.extend([job] for job in chunk)
                pending.clear()
                self._restart()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class Analyzer:
    """A Ray actor: builds the pipeline once in `__init__`, then analyses chunk after chunk."""

    def __init__(self, analyze: Callable[[list[Job], str], list[WorkResult]] | None = None) -> None:
        self.analyze_chunk = analyze or analyze_chunk
        if analyze is None:
            init_worker()

    def analyze(self, chunk: list[Job], fmt: str) -> list[WorkResult]:
        return self.analyze_chunk(chunk, fmt)


class RayEngine:
    """N actors (one pipeline each) on a Ray cluster, or on a local Ray started here.

    With no address, Ray is started on this machine with `workers` CPUs and no dashboard,
    and shut down at the end. With an address (`auto`, `ray://host:10001`, `host:6379`) the
    actors go wherever the cluster has free CPUs; ficlens must be installed on every node.
    When an actor dies, it is replaced and the works it held are retried one at a time, each
    alone on an idle actor, so only the culprit is recorded as failed (as in `LocalEngine`).
    """

    def __init__(
        self,
        workers: int,
        fmt: str,
        address: str | None = None,
        analyze: Callable[[list[Job], str], list[WorkResult]] | None = None,
    ) -> None:
        import ray

        self.ray = ray
        self.fmt = fmt
        self.started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
            self.started = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        self.analyze = analyze
        self.actor_cls: Any = ray.remote(num_cpus=1, max_restarts=0)(Analyzer)
        self.actors = [self._new_actor() for _ in range(self.workers)]

    def _new_actor(self) -> Any:
        return self.actor_cls.remote(self.analyze)

    def run(self, chunks: Iterator[list[Job]]) -> Iterator[list[WorkResult]]:
        ray = self.ray
        pending: dict[Any, tuple[int, list[Job], bool, Any]] = {}
        load = {i: 0 for i in range(len(self.actors))}
        suspects: deque[list[Job]] = deque()
        exhausted = False

        def submit(slot: int, chunk: list[Job], suspect: bool) -> None:
            actor = self.actors[slot]
            pending[actor.analyze.remote(chunk, self.fmt)] = (slot, chunk, suspect, actor)
            load[slot] += 1

        while True:
            while suspects:  # a suspect runs first on an idle actor
                idle = next((i for i in load if load[i] == 0), None)
                if idle is None:
                    break
                submit(idle, suspects.popleft(), True)
            while not exhausted:
                slot = min(load, key=load.__getitem__)
                if load[slot] >= 2 or (suspects and load[slot] == 0):
                    break
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                submit(slot, chunk, False)
            if not pending:
                if suspects:
                    continue
                return
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                slot, chunk, suspect, actor = pending.pop(ref)
                load[slot] -= 1
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayActorError:
                    if self.actors[slot] is actor:
                        self.actors[slot] = self._new_actor()
                    if suspect:
                        yield _failed(chunk, DIED)
                    else:
                        suspects.extend([job] for job in chunk)
                except ray.exceptions.RayError as exc:
                    cause = getattr(exc, "cause", None)
                    if isinstance(cause, WorkerSetupError):
                        raise WorkerSetupError(str(cause)) from None
                    yield _failed(chunk, describe(cause or exc))

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self.started:
            self.ray.shutdown()
