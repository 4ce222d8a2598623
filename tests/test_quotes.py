"""The quotes stage on hand-written stories, on PDNC novels and on the seeds."""

from __future__ import annotations

import pytest

from conftest import SEEDS, require_shared, score_seed
from ficlens.document import Document, Paratext, Source
from ficlens.evaluation.pdnc import evaluate_detection, novel_names
from ficlens.pipeline import Config
from ficlens.stages.quotes import find_quotes, quotes_stage, single_convention


def quotes_of(text: str) -> list[str]:
    qs, _ = find_quotes(text, [(0, len(text))])
    return [text[q.start : q.end] for q in qs]


def doc_of(text: str) -> Document:
    doc = Document(text=text, source=Source("<test>", "txt", "0" * 64))
    quotes_stage(doc, Config())
    return doc


BRITISH = (
    "‘We’ll take the boys’ room,’ said Mara. ‘It’s got the window.’\n"
    "Tobin shrugged. ’Tis the warmer one anyway, and the Hendersons’ dog sleeps below.\n"
    "‘Rock ’n’ roll all night, then?’ he asked.\n"
    "'Only if you're quiet,' she said. 'The twins' mother is a light sleeper.'\n"
    "‘Goin’ out?’ ‘Not likely.’\n"
)


def test_british_single_quotes_are_told_from_apostrophes() -> None:
    assert single_convention(BRITISH)
    assert quotes_of(BRITISH) == [
        "We’ll take the boys’ room,",
        "It’s got the window.",
        "Rock ’n’ roll all night, then?",
        "Only if you're quiet,",
        "The twins' mother is a light sleeper.",
        "Goin’ out?",
        "Not likely.",
    ]


def test_double_quotes_in_the_narration_of_a_single_quote_story() -> None:
    """A sign or a title the narrator quotes in double marks is a quote too; double marks
    inside single-quoted speech stay part of the speech."""
    text = (
        "‘Look at that,’ said Wren, pointing at the door.\n"
        'A card hung there: "CLOSED FOR LUNCH". Someone had added in pencil, "or forever".\n'
        "'It's the one called \"Harbour Lights\",' said Moss. 'I'd know it anywhere.'\n"
        "‘Fine,’ she said. ‘We’ll wait.’\n"
        "‘How long?’ ‘An hour.’ ‘Two, more like.’\n"
    )
    assert single_convention(text)
    assert quotes_of(text) == [
        "Look at that,",
        "CLOSED FOR LUNCH",
        "or forever",
        'It\'s the one called "Harbour Lights",',
        "I'd know it anywhere.",
        "Fine,",
        "We’ll wait.",
        "How long?",
        "An hour.",
        "Two, more like.",
    ]


def test_double_quotes_straight_curly_and_mixed() -> None:
    text = (
        'Jun said, "Pass the salt," and waited.\n'
        "“Here,” Priya answered. “Anything else?\"\n"
        '"Just the \'good\' pepper," he said.\n'
    )
    assert not single_convention(text)
    assert quotes_of(text) == ["Pass the salt,", "Here,", "Anything else?", "Just the 'good' pepper,"]


def test_nested_quotes_stay_inside_the_outer_quote() -> None:
    text = '"She told me, \'Never again,\' and walked out," Ines said.\n'
    assert quotes_of(text) == ["She told me, 'Never again,' and walked out,"]


def test_speech_over_several_paragraphs_is_linked() -> None:
    text = (
        '"The first thing you learn on a boat is where the rope goes.\n'
        '"The second thing is to never stand in a loop of it.\n'
        '"And the third," said Captain Odo, "is to listen to me."\n'
    )
    doc = doc_of(text)
    spans = [doc.text[q.start : q.end] for q in doc.quotes]
    assert spans[:2] == [
        "The first thing you learn on a boat is where the rope goes.",
        "The second thing is to never stand in a loop of it.",
    ]
    assert doc.quotes[0].extra.get("continued") and doc.quotes[1].extra.get("continues")
    assert doc.quotes[2].extra.get("continues")
    assert "unclosed" not in doc.quotes[0].extra


def test_unclosed_quote_closes_at_paragraph_end() -> None:
    text = '"Wait for me, Hal shouted from the stairs.\nHal ran down anyway.\n'
    doc = doc_of(text)
    assert [doc.text[q.start : q.end] for q in doc.quotes] == ["Wait for me, Hal shouted from the stairs."]
    assert doc.quotes[0].extra["unclosed"]


def test_em_dash_interruption() -> None:
    text = '"I was only going to—" "Don\'t," Wren cut in.\n'
    doc = doc_of(text)
    assert [doc.text[q.start : q.end] for q in doc.quotes] == ["I was only going to—", "Don't,"]
    assert doc.quotes[0].extra["interrupted"]


def test_titles_and_scare_quotes_are_other() -> None:
    text = (
        'They watched "The Long Field" twice, and Nell called the ending "brave".\n'
        '"Again?" Nell asked.\n'
    )
    doc = doc_of(text)
    speech = {doc.text[q.start : q.end]: q.speech for q in doc.quotes}
    assert speech == {"The Long Field": "other", "brave": "other", "Again?": "spoken"}


def test_no_quotes_in_paratext() -> None:
    text = 'A/N: thanks for the "kudos" everyone!\n\n"Hello," said Bo.\n'
    doc = Document(text=text, source=Source("<test>", "txt", "0" * 64))
    doc.paratext = [Paratext("author_note", 0, text.index("\n"))]
    quotes_stage(doc, Config())
    assert [doc.text[q.start : q.end] for q in doc.quotes] == ["Hello,"]


def test_pdnc_detection_two_novels() -> None:
    require_shared()
    result = evaluate_detection(["Persuasion", "WinnieThePooh"])
    for name, det in result["novels"].items():
        assert det["recall"] >= 0.95, name
        assert det["f1"] >= 0.9, name
    assert result["overall"]["f1"] >= 0.95


@pytest.mark.slow
def test_pdnc_detection_all_novels() -> None:
    require_shared()
    result = evaluate_detection(novel_names())
    assert len(result["novels"]) == 18
    assert result["overall"]["f1"] >= 0.95
    assert min(d["f1"] for d in result["novels"].values()) >= 0.9


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_quotes(seed) -> None:
    require_shared()
    m = score_seed(seed)
    assert m["quote_recall"] >= 0.95
    assert m["quote_precision"] >= 0.95
