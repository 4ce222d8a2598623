"""The core model and the analyze command end to end on the seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SEEDS, analyze, require_shared
from ficlens.document import Document, Paratext, Source


def test_story_regions_skip_paratext() -> None:
    doc = Document(text="Title\n\nStory here.\n\nA/N: bye", source=Source("x", "txt", "0" * 64))
    doc.paratext = [Paratext("title", 0, 5), Paratext("author_note", 20, 29)]
    assert [doc.text[s:e] for s, e in doc.story_regions()] == ["\n\nStory here.\n\n"]
    assert doc.word_count() == 2


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_text_is_file_content(seed) -> None:
    require_shared()
    result = analyze(seed)
    assert result["text"] == seed.read_text(encoding="utf-8")
    assert result["source"]["format"] == "txt"


def test_cli_writes_json_file(tmp_path) -> None:
    require_shared()
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "analyze", str(SEEDS[0]), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["source"]["path"] == str(SEEDS[0])
    assert proc.stdout == ""
