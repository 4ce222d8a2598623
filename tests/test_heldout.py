"""Held-out stories (tests/heldout/): does ficlens generalise beyond the three seeds?

Five original stories, each with a gold file in the format of ../shared/gold/README.md, are
analysed and scored with the outside scorer. The floors are what a serious tool should reach.
Where ficlens is measurably below a floor today, that single assertion is a strict xfail
naming the weakness (numbers and failure cases in docs/heldout.md): the bar stays where it
is, and an improvement shows up as XPASS so the xfail can be removed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import analyze, require_shared, scorer
from heldout.measure import score_story

HELDOUT = Path(__file__).resolve().parent / "heldout"
STORIES = sorted(HELDOUT.glob("*.txt"))
NAMES = [p.stem for p in STORIES]

# Floors every story must reach (metric -> minimum) ...
FLOORS: dict[str, float] = {
    "paratext_precision": 0.9,
    "paratext_recall": 0.9,
    "quote_recall": 0.95,
    "quote_precision_scoreable": 0.95,
    "pov_correct": 1.0,
    "tense_correct": 1.0,
    "narrator_correct": 1.0,
    "char_recall": 0.8,
    "char_precision": 0.8,
    "alias_pair_f1": 0.8,
}
# ... and speaker accuracy, set from the measured value minus a small margin where ficlens is
# already good; 0.7 is the bar for the rest (those are strict xfails below).
SPEAKER_BAR = 0.7
SPEAKER_FLOORS: dict[str, float] = {
    "h1_last_orders": 0.90,
    "h2_long_night": 0.95,
    "h4_thin_ice": 0.85,
    "h5_the_blue_cup": 0.86,
}
# "story/metric" -> the weakness that keeps ficlens below the floor today.
WEAK: dict[str, str] = {
    "h3_toad_records/speaker_accuracy": "the written sign in narration is found but not given "
    "to its writer",
}


def gold_of(story: Path) -> dict[str, Any]:
    return json.loads((HELDOUT / f"{story.stem}.gold.json").read_text(encoding="utf-8"))


@cache
def metrics(name: str) -> dict[str, float]:
    """score.py's metrics for one story, plus quote_precision_scoreable (see measure.py)."""
    story = HELDOUT / f"{name}.txt"
    return score_story(scorer(), story, analyze(story))


def floor_cases() -> list[Any]:
    cases = []
    for name in NAMES:
        floors = dict(FLOORS, speaker_accuracy=SPEAKER_FLOORS.get(name, SPEAKER_BAR))
        for metric, floor in floors.items():
            reason = WEAK.get(f"{name}/{metric}")
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(name, metric, floor, marks=marks, id=f"{name}-{metric}"))
    return cases


def test_there_are_five_heldout_stories_with_gold() -> None:
    assert len(STORIES) == 5
    assert all((HELDOUT / f"{s.stem}.gold.json").is_file() for s in STORIES)


@pytest.mark.parametrize("story", STORIES, ids=NAMES)
def test_gold_resolves_in_the_story(story: Path) -> None:
    """Every gold quote (text, n) is a double-quoted span, paratext is verbatim, none is missed."""
    require_shared()
    score = scorer()
    gold, text = gold_of(story), story.read_text(encoding="utf-8")
    spans = score.gold_quote_spans(gold, text)  # raises SystemExit on a quote not in the text
    assert spans == sorted(spans), "gold quotes are not in file order"
    blocks, next_from = [], {}
    for p in gold["paratext"]:
        i = text.find(p["text"], next_from.get(p["text"], 0))
        assert i >= 0, p["text"]
        next_from[p["text"]] = i + len(p["text"])
        blocks.append((i, i + len(p["text"])))
    body = [
        s for s in score.quoted_spans(text) if not any(a <= s[0] and s[1] <= b for a, b in blocks)
    ]
    assert sorted(spans) == body
    ids = {c["id"] for c in gold["characters"]}
    assert gold["narrator"] in ids | {None} and gold["focal_character"] in ids | {None}
    for q in gold["quotes"]:
        assert (q["speaker"] in ids or q["speaker"] is None) and set(q["addressees"]) <= ids
    for c in gold["characters"]:
        assert all(alias in text for alias in c["aliases"]), c["id"]


@pytest.mark.parametrize(("name", "metric", "floor"), floor_cases())
def test_heldout_floor(name: str, metric: str, floor: float) -> None:
    require_shared()
    assert metrics(name)[metric] >= floor


def mapped(name: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, str | None]]:
    story = HELDOUT / f"{name}.txt"
    gold, result = gold_of(story), analyze(story)
    return gold, result, scorer().map_characters(gold, result)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=r)) if r else n
        for n, r in [
            ("h1_last_orders", None),
            ("h2_long_night", None),
            ("h3_toad_records", None),
            ("h4_thin_ice", None),
            ("h5_the_blue_cup", None),
        ]
    ],
)
def test_focal_character(name: str) -> None:
    require_shared()
    gold, result, cmap = mapped(name)
    assert cmap.get(result["narration"]["focal_character"]) == gold["focal_character"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            "h3_toad_records",
            marks=pytest.mark.xfail(
                strict=True,
                reason="the painted sign and its addition are found but not taken for written; "
                "the record title inside single-quoted speech is not a quote of its own",
            ),
        ),
        "h5_the_blue_cup",
    ],
)
def test_speech_kinds_other_than_spoken(name: str) -> None:
    """Thoughts, notes, titles and scare quotes carry their gold speech kind."""
    require_shared()
    story = HELDOUT / f"{name}.txt"
    gold, text, result = gold_of(story), story.read_text(encoding="utf-8"), analyze(story)
    by_span = {(q["start"], q["end"]): q["speech"] for q in result["quotes"]}
    pairs = [
        (q["speech"], by_span.get(span))
        for q, span in zip(gold["quotes"], scorer().gold_quote_spans(gold, text), strict=True)
        if q["speech"] in ("thought", "written", "other")
    ]
    assert pairs and sum(g == s for g, s in pairs) / len(pairs) >= SPEAKER_BAR


@pytest.mark.parametrize("name", ["h1_last_orders", "h4_thin_ice", "h5_the_blue_cup"])
def test_romantic_pair_is_romantic(name: str) -> None:
    require_shared()
    gold, result, cmap = mapped(name)
    found = {
        frozenset((cmap.get(r["a"]), cmap.get(r["b"])))
        for r in result["relationships"]
        if r["kind"] == "romantic"
    }
    romantic = [
        frozenset((r["a"], r["b"])) for r in gold["relationships"] if r["kind"] == "romantic"
    ]
    assert romantic and all(pair in found for pair in romantic)


# The single-quote story: its dialogue is invisible to score.py, so its quotes are listed here
# with their speakers (curly marks in part I, straight marks in part II).
SINGLE_QUOTES: list[tuple[str, str]] = [
    ("Ratty,", "mole"),
    ("what on earth is that?", "mole"),
    ("That,", "rat"),
    ("is Toad.", "rat"),
    ("But it\u2019s coming from the boathouse.", "mole"),
    ("Then it\u2019s Toad in the boathouse. \u2019Tis the season for it, I suppose.", "rat"),
    ("There are rabbits on his lawn,", "mole"),
    ("There will be. He\u2019s been giving lessons.", "rat"),
    ("Lessons in what?", "mole"),
    ("Rock \u2019n\u2019 roll,", "rat"),
    ("Badger says it\u2019ll pass. Badger said that about the motor-car.", "rat"),
    ("I think it looks rather fun,", "mole"),
    ("I have not slept,", "badger"),
    ("We did warn you,", "rat"),
    ("You did not warn me that the weasels would like it.", "badger"),
    ("That's rock 'n' roll for you,", "rat"),
    ("It gets into the blood.", "rat"),
    ("And?", "mole"),
    ('I told him, "not in my wood, and not in my lifetime", and I meant it.', "badger"),
    ("Badger,", "mole"),
    ("what were you doing when Toad put the record on?", "mole"),
    ("Doing? I was doing nothing at all.", "badger"),
    ("Only Otter said he saw you tapping your foot.", "mole"),
    ("Otter,", "badger"),
    ("It's not funny, Rat.", "badger"),
    ("It is a little funny, Badger. Admit it's a little funny.", "rat"),
    ("Perhaps it's a little funny. But I'm not wearing the shoes.", "badger"),
]
# Quotes whose text holds apostrophes that must not end them.
APOSTROPHE_QUOTES = [
    "He sent for a gramophone from London last week. And a crate of records. And a pair of "
    "shoes made of blue suede, if you please, which is not a thing any toad\u2019s feet were "
    "ever meant to wear.",
    "Not a wink. Not for three nights. The whole Wild Wood has been up till four o'clock "
    "listening to that animal's racket.",
    "They've been going across the ice every night to the boys' club Toad's set up in the old "
    "stables. Dancing, Ratty! Weasels! I went over there last night myself to put a stop to it.",
    "is a gossip, and so is his boy Portly, and I'll thank you not to repeat what either of 'em says.",
]
# Narration with apostrophes: no quote may start, end or lie inside these.
APOSTROPHE_NARRATION = [
    "It was past eleven o\u2019clock on a frosty night",
    "stamping the snow off his boots in the Rat's front hall.",
]


def toad_story() -> tuple[str, dict[str, Any]]:
    story = HELDOUT / "h3_toad_records.txt"
    return story.read_text(encoding="utf-8"), analyze(story)


def test_single_quotes_are_found_in_curly_and_straight_marks() -> None:
    _, result = toad_story()
    texts = {q["text"] for q in result["quotes"]}
    missing = [t for t, _ in SINGLE_QUOTES if t not in texts]
    assert not missing


def test_single_quotes_are_not_cut_at_apostrophes() -> None:
    text, result = toad_story()
    texts = {q["text"] for q in result["quotes"]}
    assert all(t in texts for t in APOSTROPHE_QUOTES)
    for line in APOSTROPHE_NARRATION:
        start = text.index(line)
        end = start + len(line)
        assert not [q for q in result["quotes"] if q["start"] < end and start < q["end"]], line
    # every quote is bounded by quote marks, never by an apostrophe inside a word
    for q in result["quotes"]:
        before, after = text[q["start"] - 1], text[q["end"]] if q["end"] < len(text) else ""
        assert not before.isalpha() and not text[q["start"] - 2 : q["start"] - 1].isalpha(), q[
            "text"
        ]
        assert not (after in "'\u2019" and text[q["end"] + 1 : q["end"] + 2].isalpha()), q["text"]


def test_single_quote_speakers() -> None:
    require_shared()
    gold = gold_of(HELDOUT / "h3_toad_records.txt")
    _, result = toad_story()
    cmap = scorer().map_characters(gold, result)
    speaker = {q["text"]: cmap.get(q["speaker"]) for q in result["quotes"]}
    correct = sum(speaker.get(t) == s for t, s in SINGLE_QUOTES)
    assert correct / len(SINGLE_QUOTES) >= 0.9  # measured 0.96 (26/27) on 2026-11-23


# Multi-paragraph speech: Marmee's story opens two paragraphs without closing them.
MARMEE_OPEN = [
    "I had a temper that frightened my own mother.",
    "I thought I had got away with it.",
]


def marmee_paragraphs() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    story = HELDOUT / "h5_the_blue_cup.txt"
    result = analyze(story)
    found = [q for q in result["quotes"] if any(q["text"].startswith(s) for s in MARMEE_OPEN)]
    return result, found


def test_multi_paragraph_speech_is_quoted_to_the_paragraph_end() -> None:
    result, found = marmee_paragraphs()
    assert len(found) == 2
    for q in found:
        end = result["text"].find("\n", q["start"])
        assert result["text"][q["end"] : end].strip() == ""


def test_multi_paragraph_speech_keeps_its_speaker() -> None:
    require_shared()
    gold, result, cmap = mapped("h5_the_blue_cup")
    _, found = marmee_paragraphs()
    assert [cmap.get(q["speaker"]) for q in found] == ["marmee", "marmee"]
