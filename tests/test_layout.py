"""The paragraph layout: one decision (`textunits.detect_layout`), stored by the structure stage,
read by quotes, narration and the report, and made again from the text when the layer is missing."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from conftest import DATA, SAMPLES, SEEDS, require_shared
from ficlens.document import Document, Source
from ficlens.evaluation import pdnc
from ficlens.pipeline import Config
from ficlens.readers import read_path
from ficlens.report.data import story_payload
from ficlens.stages.narration import excluded_spans
from ficlens.stages.quotes import quotes_stage
from ficlens.stages.structure import structure_stage
from ficlens.textunits import detect_layout, paragraph_layout

STORIES = Path(__file__).parent / "stories"


def structured(doc: Document) -> Document:
    structure_stage(doc, Config(use_spacy=False))
    return doc


def plain(text: str) -> Document:
    return Document(text=text, source=Source("x.txt", "txt", "0" * 64))


@pytest.mark.parametrize(
    ("path", "layout"),
    [
        (STORIES / "hard_wrapped.txt", "block"),
        # Single line breaks between long paragraphs: lines run on, but at no fixed width.
        (STORIES / "single_newlines.txt", "line"),
        (STORIES / "letter_ending.txt", "line"),
        (SEEDS[0], "line"),
        (SAMPLES / "fff_4.62_test1_story.txt", "block"),
        (SAMPLES / "fff_4.62_test1_story.html", "line"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_structure_stage_stores_the_layout(path: Path, layout: str) -> None:
    require_shared()
    doc = structured(read_path(str(path)))
    assert doc.layers["paragraph_layout"] == layout


def test_pdnc_novel_is_block() -> None:
    require_shared()
    novel = pdnc.load_novel("Persuasion", DATA / "pdnc")
    doc = structured(Document(text=novel.text, source=Source("Persuasion", "txt", "0" * 64)))
    assert doc.layers["paragraph_layout"] == "block"


def test_missing_layer_is_decided_from_the_text() -> None:
    """A document built without the structure stage, or pickled before the layer existed."""
    for path, layout in ((STORIES / "hard_wrapped.txt", "block"), (STORIES / "single_newlines.txt", "line")):
        doc = structured(read_path(str(path)))
        assert paragraph_layout(doc) == layout
        del doc.layers["paragraph_layout"]
        old = pickle.loads(pickle.dumps(doc))
        assert paragraph_layout(old) == layout
        assert story_payload(old)["paragraphs"] == layout


def test_detect_layout_on_invented_passages() -> None:
    wrapped = (
        "The road ran along the cliff for a mile before it turned inland, and the\n"
        "wind came off the sea so hard that she had to lean into it to keep her\n"
        "feet. Below, the water was grey and full of foam.\n\n"
        "At the turning there was a stone hut with no door and a roof of turf, and\n"
        "she sat inside it until the rain had passed and the light had come back.\n"
    )
    assert detect_layout(wrapped, [(0, len(wrapped))]) == "block"
    chat = '"Hi."\n"Hey."\n"What are you doing tonight?"\n"Nothing much, why?"\n"Pizza?"\n'
    assert detect_layout(chat, [(0, len(chat))]) == "line"
    # One pair of consecutive lines is too little to call a text hard-wrapped.
    pair = "Dear Mara, the weather has been kind to us all week.\nLove, Ruthie\n\nShe smiled.\n"
    assert detect_layout(pair, [(0, len(pair))]) == "line"


def test_quote_paragraph_is_the_wrapped_paragraph() -> None:
    doc = structured(read_path(str(STORIES / "hard_wrapped.txt")))
    quotes_stage(doc, Config(use_spacy=False))
    q = next(q for q in doc.quotes if doc.text[q.start : q.end].startswith("You're going"))
    s, e = doc.layers["paragraphs"][q.extra["paragraph"]]
    assert doc.text[s:e].endswith("without looking up.")
    before = doc.layers["paragraphs"][q.extra["paragraph"] - 1]
    assert doc.text[before[0] : before[1]].startswith("Marit walked") and "\n" in doc.text[before[0] : before[1]]


def test_narration_scan_follows_the_layout() -> None:
    """Without a quotes layer narration scans quotes itself; an open quote ends at its paragraph."""
    wrapped = (
        "Marit walked the coast road for three days before she saw another person,\n"
        'and when she did, he called out to her: "I have been waiting here since\n'
        "the morning, and I will wait until dark if that is what it takes.\n\n"
        "She looked at the sea on her left and the hills on her right and decided\n"
        "that he was probably correct, and that she would have to turn round.\n"
    )
    doc = structured(plain(wrapped))
    assert doc.layers["paragraph_layout"] == "block"
    spans = excluded_spans(doc, [(0, len(wrapped))])
    assert [wrapped[a:b].split()[-1] for a, b in spans] == ["takes."]
    lines = (
        '"I never said that, and I will not say it now, not to you or anyone.\n'
        "Ines turned away from him and went on sweeping the glass into the bucket.\n"
        "Her father said nothing and watched her from the doorway for a long time.\n"
        "It was enough for both of them.\n"
    )
    doc = structured(plain(lines))
    assert doc.layers["paragraph_layout"] == "line"
    spans = excluded_spans(doc, [(0, len(lines))])
    assert [lines[a:b] for a, b in spans] == [lines[: lines.index("\n")]]
