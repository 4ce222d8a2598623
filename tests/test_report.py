"""The story and corpus reports, the terminal summary and the emotion lexicons (no browser)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from rich.console import Console

from conftest import SEEDS, require_shared
from ficlens.document import (
    Chapter,
    Character,
    Document,
    Mention,
    Paratext,
    Quote,
    Relationship,
    Scene,
    Source,
)
from ficlens.emotion import compound, nrc_lexicon, nrc_profile
from ficlens.report import corpus_html, story_html
from ficlens.report.corpus import corpus_payload
from ficlens.report.data import document_from_dict, story_payload
from ficlens.report.html import embed_json
from ficlens.report.summary import print_summary
from ficlens.writers.json import to_dict
from ficlens.writers.parquet import to_arrow, work_tables

HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'

STORY = (
    "The Lighthouse Keepers\n"
    "A/N: Thanks for reading! Comments welcome.\n\n"
    "Chapter One\n\n"
    '"You are late," said Ines, not looking up from the lamp.\n\n'
    '"The ferry was late," Tomas answered. "Blame the ferry, not me."\n\n'
    "Ines laughed despite herself. She handed him the oil can, and he climbed the stairs.\n\n"
    "* * *\n\n"
    "Night came down hard over the water. Tomas watched the beam sweep the rocks.\n\n"
    '"Do you ever get lonely out here?" he asked her.\n\n'
    '"Never," said Ines. "I have the sea, and now I have you."\n\n'
    "Chapter Two\n\n"
    "The storm broke at dawn. Old Bram rowed out from the village with bread and bad news.\n\n"
    '"The harbour is closed," Bram told them. "Nobody leaves until the wind drops."\n\n'
    f"Tomas pinned a note to the door: {HOSTILE}\n\n"
    '"Then we wait," said Ines, and took Tomas by the hand.\n'
)


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def sample_document() -> Document:
    """A small, fully annotated story (written for these tests), as the pipeline would leave it."""
    t = STORY
    doc = Document(text=t, source=Source("lighthouse.txt", "txt", "0" * 64))
    doc.metadata = {
        "title": "The Lighthouse Keepers <b>draft</b>",
        "authors": ["quillfeather"],
        "fandoms": ["Original Work"],
        "rating": "General Audiences",
    }
    doc.paratext = [
        Paratext("title", *span(t, "The Lighthouse Keepers")),
        Paratext("author_note", *span(t, "A/N: Thanks for reading! Comments welcome.")),
        Paratext("chapter_heading", *span(t, "Chapter One")),
        Paratext("scene_break", *span(t, "* * *")),
        Paratext("chapter_heading", *span(t, "Chapter Two")),
    ]
    two = t.index("Chapter Two")
    doc.chapters = [Chapter("Chapter One", t.index("Chapter One"), two), Chapter("Chapter Two", two, len(t))]
    brk = t.index("* * *")
    doc.scenes = [Scene(0, t.index("Chapter One"), brk), Scene(0, brk, two), Scene(1, two, len(t))]

    def names(word: str) -> list[Mention]:
        return [Mention(m.start(), m.end()) for m in re.finditer(word, t)]

    doc.characters = [
        Character("ines", "Ines", ["Ines"], "F", names("Ines")),
        Character("tomas", "Tomas", ["Tomas"], "M", names("Tomas")),
        Character("bram", "Old Bram", ["Bram", "Old Bram"], "M", names("Bram")),
    ]
    q = [
        ("You are late,", "ines", ["tomas"]),
        ("The ferry was late,", "tomas", ["ines"]),
        ("Blame the ferry, not me.", "tomas", ["ines"]),
        ("Do you ever get lonely out here?", "tomas", ["ines"]),
        ("Never,", "ines", ["tomas"]),
        ("I have the sea, and now I have you.", "ines", ["tomas"]),
        ("The harbour is closed,", "bram", ["ines", "tomas"]),
        ("Nobody leaves until the wind drops.", "bram", ["ines", "tomas"]),
        ("Then we wait,", "ines", ["tomas"]),
    ]
    doc.quotes = [Quote(*span(t, s), speaker=sp, addressees=ad) for s, sp, ad in q]
    doc.relationships = [Relationship("ines", "tomas", "romantic", 0.9), Relationship("bram", "ines", "friendship", 0.2)]
    doc.layers["consistency"] = [
        {"kind": "tense_slip", "start": span(t, "The harbour is")[0], "end": span(t, "The harbour is")[1], "message": "test <warning>"}
    ]
    return doc


def test_embedded_json_cannot_close_the_script_element() -> None:
    data = {"text": "</script><script>alert(1)</script> & \u2028 \u2029 <!--"}
    raw = embed_json(data)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\u2028" not in raw and "\u2029" not in raw
    assert json.loads(raw) == data


def test_story_payload_counts() -> None:
    data = story_payload(sample_document())
    cast = {c["id"]: c for c in data["characters"]}
    assert [c["id"] for c in data["characters"]][:2] == ["ines", "tomas"]
    assert cast["ines"]["quotes"] == 4 and cast["tomas"]["quotes"] == 3 and cast["bram"]["quotes"] == 2
    assert cast["tomas"]["words"] == 16
    assert cast["bram"]["firstChapter"] == 2 and cast["ines"]["firstChapter"] == 1
    assert 0 < cast["ines"]["first"] < cast["ines"]["last"] <= 1
    assert abs(sum(c["share"] for c in data["characters"]) - 1) < 0.01
    idx = {c["id"]: i for i, c in enumerate(data["characters"])}
    assert data["pairing"] == {"a": idx["ines"], "b": idx["tomas"], "kind": "romantic"}
    edges = {(a, b): n for a, b, n in data["edges"]}
    assert edges[tuple(sorted((idx["ines"], idx["tomas"])))] == 7
    assert data["arc"]["unit"] == "scene" and len(data["arc"]["points"]) == 3
    assert all(p["polarity"] is not None for p in data["arc"]["points"])


def test_report_is_self_contained_and_escaped() -> None:
    page = story_html(sample_document())
    # One file: no external resource of any kind.
    assert not re.search(r"<(link|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\b(src|href)\s*=", page.split('id="ficlens-data"')[0], re.I)
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # Story and metadata text appear only escaped: as JSON data and in the escaped <title>.
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "<title>The Lighthouse Keepers &lt;b&gt;draft&lt;/b&gt;" in page
    data = json.loads(re.search(r'id="ficlens-data">(.*?)</script>', page, re.S).group(1))
    assert HOSTILE in data["text"]
    # The page's script never hands data to innerHTML or similar sinks.
    for name in ("common.js", "story.js", "corpus.js"):
        js = (Path(__file__).parents[1] / "src/ficlens/report/assets" / name).read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", js), name


def test_report_survives_empty_layers() -> None:
    doc = Document(text="Just one quiet line of story.", source=Source("quiet.txt", "txt", "0" * 64))
    data = story_payload(doc)
    assert data["characters"] == [] and data["quotes"] == [] and data["pairing"] is None
    assert len(data["arc"]["points"]) == 10
    assert "ficlens-data" in story_html(doc)


def test_report_from_analysis_json_matches_direct(tmp_path) -> None:
    doc = sample_document()
    back = document_from_dict(json.loads(json.dumps(to_dict(doc))))
    a, b = story_payload(doc), story_payload(back)
    for key in ("characters", "quotes", "edges", "relationships", "warnings", "chapters", "scenes", "paratext"):
        assert a[key] == b[key], key


def test_emotion_lexicons_load_offline() -> None:
    assert "abandon" in nrc_lexicon()
    prof = nrc_profile(["happy", "celebrate", "table"])
    assert prof["joy"] > 0 and prof["sadness"] == 0
    assert compound("What a wonderful, lovely day.") > 0.5
    assert compound("This is a horrible, miserable mess.") < -0.5
    story_payload(sample_document())
    assert "textblob" not in sys.modules, "nrclex's TextBlob path may download NLTK data"


def test_summary_prints_cast_pairing_and_warnings() -> None:
    doc = sample_document()
    doc.metadata["title"] = "[bold red]Not markup[/]"
    buf = io.StringIO()
    print_summary(doc, Console(file=buf, width=120, color_system=None))
    out = buf.getvalue()
    assert "[bold red]Not markup[/]" in out
    assert "Ines & Tomas (romantic)" in out
    assert "Old Bram" in out and "tense_slip" in out and "test <warning>" in out


def test_cli_summary_and_report_on_a_seed(tmp_path) -> None:
    require_shared()
    seed = SEEDS[0]
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "analyze", str(seed), "--summary"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "POV" in proc.stdout and "Cast" in proc.stdout
    out = tmp_path / "r.html"
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "report", str(seed), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_cli_report_rejects_a_plain_folder(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "report", str(tmp_path), "-o", str(tmp_path / "x.html")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "batch" in proc.stderr and "Traceback" not in proc.stderr


def write_batch(out: Path, docs: dict[str, Document]) -> None:
    """A batch output folder as `ficlens batch` lays it out: DIR/<table>/part-<shard>.parquet."""
    for shard, (work_id, doc) in enumerate(docs.items()):
        for table, rows in work_tables(doc, work_id).items():
            (out / table).mkdir(parents=True, exist_ok=True)
            pq.write_table(to_arrow(table, rows), out / table / f"part-{shard:05d}.parquet")


def test_corpus_report(tmp_path) -> None:
    one = sample_document()
    two = sample_document()
    two.metadata = {"title": "Second Light", "fandoms": ["Sea Stories"], "rating": "Teen And Up Audiences"}
    two.quotes = two.quotes[:3]
    out = tmp_path / "batch"
    write_batch(out, {"w1": one, "w2": two})
    (out / "reports").mkdir()
    (out / "reports" / "w1.html").write_text("<!doctype html>", encoding="utf-8")
    data = corpus_payload(out, out / "corpus.html")
    assert data["totals"]["works"] == 2 and data["totals"]["quotes"] == 12
    assert dict(map(tuple, data["fandoms"])) == {"Original Work": 1, "Sea Stories": 1}
    assert data["talkers"][0][0] == "Ines"
    links = {w[0]: w[-1] for w in data["works"]}
    assert links == {"w1": "reports/w1.html", "w2": None}
    page = corpus_html(out, out / "corpus.html")
    assert "Second Light" in page and "<b>draft" not in page


def test_corpus_report_of_a_real_batch_run(tmp_path) -> None:
    require_shared()
    out = tmp_path / "batch"
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "batch", str(SEEDS[0]), "-o", str(out), "-j", "0", "-q"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    html_out = tmp_path / "corpus.html"
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "report", str(out), "-o", str(html_out), "--per-work"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = corpus_payload(out, html_out)
    assert data["totals"]["works"] == 1 and data["totals"]["quotes"] > 0
    assert data["works"][0][-1] == f"batch/reports/{data['works'][0][0]}.html"
    assert (tmp_path / data["works"][0][-1]).read_text(encoding="utf-8").startswith("<!doctype html>")
