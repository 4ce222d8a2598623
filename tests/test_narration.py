"""The narration stage: grammatical person and tense of the narration, dialogue excluded."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import DATA, EXAMPLES, SEEDS, require_shared, score_seed
from ficlens.document import Document, Quote, Source
from ficlens.pipeline import Config
from ficlens.readers import read_path
from ficlens.stages.narration import (
    SAMPLE_CHARS,
    excluded_spans,
    narration_pieces,
    narration_stage,
    quote_spans_scanned,
)
from ficlens.stages.quotes import quotes_stage
from ficlens.stages.structure import structure_stage
from ficlens.stages.tokens import tokens_stage

STORIES = Path(__file__).parent / "stories"
PDNC = DATA / "pdnc"
NOVEL_SAMPLE = 30_000
LABEL_DISAGREES_WITH_TEXT = {
    # PDNC gives 1.0 but the narration is third person: outside quotation marks the whole
    # novel has a single first-person pronoun, in a bracketed translation of dialogue
    # (test_where_angels_narration_has_no_narrator_i checks it on the whole text).
    "WhereAngelsFearToTread": "third",
}


def narrate(doc: Document, use_spacy: bool = True) -> Document:
    config = Config(use_spacy=use_spacy)
    structure_stage(doc, config)
    tokens_stage(doc, config)
    narration_stage(doc, config)
    return doc


def narrate_file(path: Path, use_spacy: bool = True) -> Document:
    return narrate(read_path(str(path)), use_spacy)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seeds_against_gold(seed: Path) -> None:
    require_shared()
    m = score_seed(seed)
    assert m["pov_correct"] == 1.0
    assert m["tense_correct"] == 1.0


@pytest.mark.parametrize("use_spacy", [True, False], ids=["tokens", "rules"])
@pytest.mark.parametrize(
    ("path", "pov", "tense"),
    [
        (STORIES / "narr_first_present.txt", "first", "present"),
        (STORIES / "narr_third_present.txt", "third", "present"),
        (STORIES / "narr_third_past_dialogue.txt", "third", "past"),
        (STORIES / "narr_single_quotes.txt", "third", "past"),
        (STORIES / "narr_italic_thoughts.txt", "third", "past"),
        (STORIES / "narr_second_past.txt", "second", "past"),
        (STORIES / "no_paratext.txt", "third", "past"),
        (EXAMPLES / "keeper_of_carrow_point.txt", "first", "past"),
        (EXAMPLES / "the_orchard_war.txt", "third", "past"),
        (EXAMPLES / "you_and_the_night_market.txt", "second", "present"),
    ],
    ids=lambda v: v.stem if isinstance(v, Path) else None,
)
def test_own_stories(path: Path, pov: str, tense: str, use_spacy: bool) -> None:
    doc = narrate_file(path, use_spacy)
    assert (doc.narration.pov, doc.narration.tense) == (pov, tense)


def test_dialogue_first_person_does_not_count() -> None:
    """Every "I" of this story is inside quotation marks; the narration is third person."""
    doc = narrate_file(STORIES / "narr_third_past_dialogue.txt")
    ev = doc.narration.extra["pov_tense_evidence"]
    assert ev["first"] == 0 and ev["third"] > 5
    assert "I" in doc.text


def test_british_single_quote_dialogue_does_not_count() -> None:
    doc = narrate_file(STORIES / "narr_single_quotes.txt", use_spacy=False)
    assert doc.narration.extra["pov_tense_evidence"]["first"] == 0
    assert doc.text.count("'I") >= 5


def test_quotes_layer_is_used_when_present() -> None:
    text = 'He left. "I know I did it, I know I was wrong, I am sorry," he said. He sat down.'
    doc = Document(text=text, source=Source("x", "txt", "0" * 64))
    start = text.index("I know")
    doc.quotes = [Quote(start, text.index(',"') + 1)]
    narrate(doc, use_spacy=False)
    assert doc.narration.pov == "third"
    assert doc.narration.extra["pov_tense_evidence"]["first"] == 0


def test_reader_insert_is_second_person() -> None:
    text = (
        "Y/N sighed and put down the kettle. He was late again. Y/N checked the clock, then the "
        "window, then the clock. When he finally knocked, Y/N did not open the door at once."
    )
    doc = narrate(Document(text=text, source=Source("x", "txt", "0" * 64)), use_spacy=False)
    assert doc.narration.pov == "second"


def test_quote_scan_stops_at_paragraph_breaks() -> None:
    text = '"I went home.\n\nShe stayed. "Did you?" she asked.'
    spans = quote_spans_scanned(text, 0, len(text), wrapped=True)
    assert [text[a:b] for a, b in spans] == ['"I went home.', '"Did you?"']


def test_sample_is_bounded() -> None:
    first = "I walked to the shop and I bought bread. " * 2000
    third = "She walked to the shop and she bought bread. " * 2000
    doc = narrate(Document(text=first + third, source=Source("x", "txt", "0" * 64)), False)
    ev = doc.narration.extra["pov_tense_evidence"]
    assert ev["chars"] <= SAMPLE_CHARS
    assert doc.narration.pov == "first"


def pdnc_novels() -> list[tuple[str, str]]:
    index = PDNC / "PDNC-Novel-Index.csv"
    if not index.is_file():
        return []
    with index.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    person = {"1.0": "first", "3.0": "third"}
    out = []
    for row in rows[1:]:
        folder = row[-1]
        if (PDNC / "data" / folder / "novel_text.txt").is_file():
            out.append((folder, person[row[2]]))
    return sorted(out)


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "pov"), pdnc_novels())
def test_pdnc_novels(folder: str, pov: str) -> None:
    """The opening of every PDNC novel, with real spaCy tokens: person per the index (or per
    the text where the index is wrong, see LABEL_DISAGREES_WITH_TEXT), past tense."""
    text = (PDNC / "data" / folder / "novel_text.txt").read_text(encoding="utf-8")
    doc = narrate(Document(text=text[:NOVEL_SAMPLE], source=Source(folder, "txt", "0" * 64)))
    assert doc.narration.tense == "past"
    assert doc.narration.pov == LABEL_DISAGREES_WITH_TEXT.get(folder, pov)


def test_where_angels_narration_has_no_narrator_i() -> None:
    """Why the index's 1.0 for Where Angels Fear to Tread is not followed: in the whole novel,
    quotations removed, "I"/"me"/"my" occur once (inside a bracketed translation)."""
    require_shared()
    text = (PDNC / "data" / "WhereAngelsFearToTread" / "novel_text.txt").read_text(encoding="utf-8")
    doc = Document(text=text, source=Source("WhereAngelsFearToTread", "txt", "0" * 64))
    structure_stage(doc, Config())
    quotes_stage(doc, Config())
    regions = list(doc.story_regions())
    pieces = list(narration_pieces(regions, excluded_spans(doc, regions)))
    narrator_i = sum(len(re.findall(r"\b(?:I|me|my|myself)\b", text[s:e])) for s, e in pieces)
    assert narrator_i <= 1
    assert sum(e - s for s, e in pieces) > 150_000


def test_frame_narrator_is_first_person_with_a_third_person_focus() -> None:
    """Daisy Miller: an unnamed "I" opens the telling ("I hardly know whether...") and the
    story follows Winterbourne; Northanger Abbey's later asides ("I will not adopt that
    ungenerous custom") do not make it first person."""
    require_shared()
    from ficlens.api import analyze_text

    text = (PDNC / "data" / "DaisyMiller" / "novel_text.txt").read_text(encoding="utf-8")
    doc = analyze_text(text[:40_000])
    assert doc.narration.pov == "first"
    assert doc.narration.extra.get("frame_narrator") is True
    assert doc.character(doc.narration.narrator).name == "Narrator"
    focal = doc.character(doc.narration.focal_character)
    assert focal is not None and "Winterbourne" in focal.name
    abbey = (PDNC / "data" / "NorthangerAbbey" / "novel_text.txt").read_text(encoding="utf-8")
    doc = narrate(Document(text=abbey[:60_000], source=Source("NorthangerAbbey", "txt", "0" * 64)))
    assert doc.narration.pov == "third"
    assert doc.narration.extra["pov_tense_evidence"]["opening_first"] == 0


def test_pdnc_index_is_read() -> None:
    require_shared()
    novels = pdnc_novels()
    assert len(novels) >= 15
    assert {p for _, p in novels} == {"first", "third"}
