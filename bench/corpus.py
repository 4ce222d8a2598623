"""Corpus benchmark for `ficlens batch`: throughput, speed-up, memory per worker, resume.

Builds a corpus of fic-sized works (1,000-6,000 words, log-uniform, cut at paragraph
boundaries) from the LitBank originals and PDNC novels in ../shared/data, plus the seeds,
in a temporary folder (never the repo), then runs `ficlens batch` as a subprocess:

1. the headline: the whole corpus with `--workers 2` (works/s, words/s, worker RSS sampled
   with psutil, printed at 25/50/75/100% of the works);
2. speed-up: the same subset with `--workers 1` and `--workers 2`;
3. resume: a run on the subset killed with SIGKILL halfway, then rerun; the rerun must
   analyse exactly the works the killed run had not committed.

    .venv/bin/python bench/corpus.py [--works 2000] [--subset 200] [--steps all]

Figures are printed and saved as JSON (`--json`). On a shared machine they are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FICLENS_SHARED", REPO.parent / "shared")).resolve()
PARAGRAPH = re.compile(r"\n[ \t]*\n+")
PROGRESS = re.compile(r"batch: (\d+)(?:/(\d+))? works")


def sources() -> list[Path]:
    litbank = sorted((SHARED / "data" / "litbank" / "original").glob("*.txt"))
    pdnc = sorted((SHARED / "data" / "pdnc" / "data").glob("*/novel_text.txt"))
    return litbank + pdnc


def cut_works(text: str, rng: random.Random, low: int = 1000, high: int = 6000) -> list[str]:
    """Consecutive stretches of whole paragraphs, each of a log-uniform target length."""
    paras = [p.strip() for p in PARAGRAPH.split(text.replace("\r\n", "\n")) if p.strip()]
    works: list[str] = []
    current: list[str] = []
    words = 0
    target = math.exp(rng.uniform(math.log(low), math.log(high)))
    for p in paras:
        current.append(p)
        words += len(p.split())
        if words >= target:
            if words <= high * 1.5:  # a single huge "paragraph" (no blank lines) is skipped
                works.append("\n\n".join(current) + "\n")
            current, words = [], 0
            target = math.exp(rng.uniform(math.log(low), math.log(high)))
    return works


def build_corpus(root: Path, n_works: int, low: int, high: int, seed: int = 13) -> dict[str, Any]:
    """Write `n_works` works (round-robin over the source novels) and the seeds under root."""
    rng = random.Random(seed)
    per_source = []
    for src in sources():
        name = src.parent.name if src.name == "novel_text.txt" else src.stem
        kind = "pdnc" if src.name == "novel_text.txt" else "litbank"
        per_source.append((kind, name, cut_works(src.read_text(encoding="utf-8", errors="replace"), rng, low, high)))
    available = sum(len(w) for _, _, w in per_source)
    picked: list[tuple[str, str, int, str]] = []
    depth = 0
    while len(picked) < n_works and depth < max(len(w) for _, _, w in per_source):
        for kind, name, works in per_source:
            if depth < len(works) and len(picked) < n_works:
                picked.append((kind, name, depth, works[depth]))
        depth += 1
    words = 0
    for kind, name, k, text in picked:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}-{k:03d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    seeds = root / "seeds"
    seeds.mkdir(exist_ok=True)
    for s in sorted((SHARED / "seeds").glob("*.txt")):
        shutil.copyfile(s, seeds / s.name)
        words += len(s.read_text(encoding="utf-8").split())
    return {"works": len(picked) + len(list(seeds.iterdir())), "words": words, "available_cuts": available}


def subset(root: Path, dest: Path, n: int) -> Path:
    """Every k-th work of the corpus, hard-linked into dest (same bytes, same work ids)."""
    files = sorted(root.rglob("*.txt"))
    step = max(1, len(files) // n)
    dest.mkdir(parents=True, exist_ok=True)
    for f in files[::step][:n]:
        os.link(f, dest / f"{f.parent.name}-{f.name}")
    return dest


def worker_processes(proc: psutil.Process) -> list[psutil.Process]:
    """The spawned pool workers of a batch process (not the multiprocessing resource tracker)."""
    out = []
    try:
        for child in proc.children(recursive=True):
            try:
                cmd = " ".join(child.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if "spawn_main" in cmd:
                out.append(child)
    except psutil.NoSuchProcess:
        pass
    return out


@dataclass
class Run:
    seconds: float = 0.0
    returncode: int = 0
    record: dict[str, Any] = field(default_factory=dict)
    rss_at: dict[int, float] = field(default_factory=dict)
    """Largest worker RSS (MiB) when 25/50/75/100% of the works were done."""
    peak_rss: float = 0.0
    workers_seen: int = 0
    worker_cpu_seconds: float = 0.0
    """CPU time used by all workers (sampled): throughput per CPU-second does not depend on
    how busy the machine was, unlike wall-clock figures."""


def batch_cmd(inputs: Path, out: Path, workers: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ficlens", "batch", str(inputs), "--out", str(out),
            "--workers", str(workers), "--log-interval", "1", *extra]


def run_batch(inputs: Path, out: Path, workers: int, total: int, *extra: str, limit: float = 0) -> Run:
    """Run a batch to completion (or stop it cleanly after `limit` s), sampling worker memory."""
    run = Run()
    cpu: dict[int, float] = {}
    t0 = time.monotonic()
    log = out.parent / f"{out.name}.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(batch_cmd(inputs, out, workers, *extra), stdout=subprocess.DEVNULL, stderr=err)
        ps = psutil.Process(proc.pid)
        marks = [25, 50, 75]
        while proc.poll() is None:
            current = 0.0
            workers_now = worker_processes(ps)
            run.workers_seen = max(run.workers_seen, len(workers_now))
            for w in workers_now:
                with contextlib.suppress(psutil.NoSuchProcess):
                    current = max(current, w.memory_info().rss / 2**20)
                    t = w.cpu_times()
                    cpu[w.pid] = t.user + t.system
            run.peak_rss = max(run.peak_rss, current)
            done = progress(log)
            while marks and done * 100 >= marks[0] * total and current:
                run.rss_at[marks.pop(0)] = round(current, 1)
            if (not marks or done == total) and current:
                run.rss_at[100] = round(current, 1)
            if limit and time.monotonic() - t0 > limit:
                proc.send_signal(signal.SIGTERM)  # a clean stop: finished works are committed
                limit = 0
            time.sleep(0.5)
    run.seconds = time.monotonic() - t0
    run.worker_cpu_seconds = sum(cpu.values())
    run.returncode = proc.returncode
    runs = sorted((out / "_runs").glob("*.json"))
    run.record = json.loads(runs[-1].read_text()) if runs else {}
    return run


def progress(log: Path) -> int:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return 0
    for line in reversed(lines):
        m = PROGRESS.search(line)
        if m:
            return int(m.group(1))
    return 0


def committed_works(out: Path) -> int:
    folder = out / "works"
    if not folder.is_dir():
        return 0
    return sum(pq.read_metadata(f).num_rows for f in folder.glob("part-*.parquet"))


def kill_and_resume(inputs: Path, out: Path, total: int) -> dict[str, Any]:
    """Start a run, SIGKILL it once half the works are committed, rerun, count what was redone."""
    cmd = batch_cmd(inputs, out, 2, "--shard-works", "10", "--quiet")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while proc.poll() is None and committed_works(out) < total // 2:
        time.sleep(0.2)
    killed = proc.poll() is None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = committed_works(out)
    rerun = run_batch(inputs, out, 2, total, "--quiet")
    rec = rerun.record
    return {
        "killed_midway": killed,
        "committed_before_kill": before,
        "rerun_analysed": rec.get("analysed"),
        "rerun_skipped_done": rec.get("skipped_done"),
        "works_after": committed_works(out),
        "only_unfinished_redone": rec.get("analysed", 0) + rec.get("failed", 0) == total - before,
    }


def machine() -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def describe(name: str, run: Run) -> dict[str, Any]:
    rec = run.record
    return {
        "run": name,
        "works": rec.get("analysed"),
        "failed": rec.get("failed"),
        "words": rec.get("words"),
        "seconds": round(run.seconds, 1),
        "works_per_s": round(rec.get("analysed", 0) / run.seconds, 2) if run.seconds else 0,
        "words_per_s": round(rec.get("words", 0) / run.seconds) if run.seconds else 0,
        "interrupted_at_time_limit": rec.get("interrupted"),
        "worker_cpu_seconds": round(run.worker_cpu_seconds, 1),
        "words_per_worker_cpu_s": round(rec.get("words", 0) / run.worker_cpu_seconds)
        if run.worker_cpu_seconds
        else 0,
        "workers_seen": run.workers_seen,
        "peak_worker_rss_mib": round(run.peak_rss, 1),
        "worker_rss_mib_at_pct": run.rss_at,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=2000, help="works cut from the novels (plus the seeds)")
    ap.add_argument("--subset", type=int, default=60, help="works in the 1-vs-2 worker and resume runs")
    ap.add_argument("--min-words", type=int, default=1000)
    ap.add_argument("--max-words", type=int, default=6000)
    ap.add_argument("--time-limit", type=float, default=0, help="stop the full run (SIGTERM: clean) after this many seconds")
    ap.add_argument("--steps", default="full,speedup,resume", help="comma list of: full, speedup, resume")
    ap.add_argument("--dir", default=None, help="work folder (default: a new temp folder, removed after)")
    ap.add_argument("--json", dest="json_out", default=None, help="also write the figures here")
    args = ap.parse_args()
    steps = set(args.steps.split(","))
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ficlens-bench-"))
    results: dict[str, Any] = {"machine": machine()}
    try:
        corpus = root / "corpus"
        t0 = time.monotonic()
        results["corpus"] = build_corpus(corpus, args.works, args.min_words, args.max_words)
        results["corpus"]["build_seconds"] = round(time.monotonic() - t0, 1)
        print(f"corpus: {results['corpus']} in {corpus}", flush=True)
        small = subset(corpus, root / "subset", args.subset)
        n_small = len(list(small.iterdir()))
        if "full" in steps:
            run = run_batch(corpus, root / "out-full", 2, results["corpus"]["works"], limit=args.time_limit)
            results["full_2_workers"] = describe("full corpus, 2 workers", run)
            print(json.dumps(results["full_2_workers"]), flush=True)
        if "speedup" in steps:
            one = run_batch(small, root / "out-1", 1, n_small)
            two = run_batch(small, root / "out-2", 2, n_small)
            results["subset_1_worker"] = describe(f"subset of {n_small}, 1 worker", one)
            results["subset_2_workers"] = describe(f"subset of {n_small}, 2 workers", two)
            results["speedup_1_to_2"] = round(one.seconds / two.seconds, 2) if two.seconds else None
            print(json.dumps(results["subset_1_worker"]), flush=True)
            print(json.dumps(results["subset_2_workers"]), flush=True)
            print(f"speed-up 1 -> 2 workers: {results['speedup_1_to_2']}x", flush=True)
        if "resume" in steps:
            results["resume"] = kill_and_resume(small, root / "out-resume", n_small)
            print(f"resume: {results['resume']}", flush=True)
    finally:
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    results["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
