"""PDNC loading and scoring (evaluation/pdnc.py), read in place from ../shared/data/pdnc."""

from __future__ import annotations

import pytest

from conftest import require_shared
from ficlens.document import Character, Document, Quote, Source
from ficlens.evaluation import pdnc


def test_match_spans_uses_each_system_span_once() -> None:
    gold = [(10, 20), (30, 40), (50, 60)]
    system = [(9, 21), (31, 33), (52, 60), (0, 5)]
    # (31, 33) covers too little of (30, 40); the others cover at least half
    assert pdnc.match_spans(gold, system) == {0: 0, 2: 2}
    assert pdnc.match_spans([(0, 10), (0, 10)], [(0, 10)]) == {0: 0}


def test_novels_load_with_spans_that_exclude_the_marks() -> None:
    require_shared()
    names = pdnc.novel_names()
    assert len(names) == 18
    novel = pdnc.load_novel("Persuasion")
    assert len(novel.quotes) > 400 and len(novel.cast) > 20
    for q in novel.quotes[:50]:
        for s, e in q.spans:
            assert novel.text[s - 1] == '"' or novel.text[e] == '"'
            assert novel.text[s:e].strip()
    assert {q.type for q in novel.quotes} >= {"explicit", "anaphoric", "implicit"}
    mains = {name for name, _, _ in novel.cast}
    named = [q.speaker for q in novel.quotes if q.speaker and not q.speaker.startswith("_")]
    assert sum(s in mains for s in named) / len(named) > 0.99, "speakers are mapped to main names"


def test_first_person_novels_are_flagged() -> None:
    require_shared()
    assert pdnc.load_novel("TheGambler").first_person
    assert not pdnc.load_novel("Persuasion").first_person


def test_score_novel_maps_system_characters_by_alias() -> None:
    require_shared()
    novel = pdnc.load_novel("DaisyMiller")
    doc = Document(text=novel.text, source=Source("x", "txt", "0" * 64))
    name, aliases, _ = max(novel.cast, key=lambda c: sum(q.speaker == c[0] for q in novel.quotes))
    doc.characters = [Character("someone", aliases[0] if aliases else name, list(aliases))]
    doc.quotes = [
        Quote(s, e, speaker="someone") for q in novel.quotes for s, e in q.spans
    ]
    result = pdnc.score_novel(novel, doc)
    assert result["detection"]["f1"] == 1.0
    share = sum(q.speaker == name for q in novel.quotes) / result["speaker_total"]
    assert result["speaker_accuracy"] == pytest.approx(share, abs=0.02)


def test_gold_cast_for_config() -> None:
    require_shared()
    novel = pdnc.load_novel("WinnieThePooh")
    cast = pdnc.config_cast(novel)
    assert len(cast) == len(novel.cast)
    assert all(name not in aliases for name, aliases in cast)
    # PDNC splits Christopher Robin into the tales' and the frame's; the text's bare name
    # belongs to the tales' one, where he talks
    by_name = dict(cast)
    assert "Christopher Robin" in by_name["Christopher Robin - Story"]
    assert "Christopher Robin" not in by_name["Christopher Robin - External"]


@pytest.mark.slow
def test_evaluate_pdnc_end_to_end_reports_every_metric() -> None:
    require_shared()
    result = pdnc.evaluate_pdnc(["WinnieThePooh"])
    overall = result["overall"]
    for key in ("speaker_accuracy", "speaker_accuracy_explicit", "speaker_accuracy_anaphoric", "speaker_accuracy_implicit"):
        assert 0.0 <= overall[key] <= 1.0
    assert overall["detection"]["f1"] >= 0.95
    assert overall["speaker_accuracy"] >= 0.4
    assert set(result["novels"]) == {"WinnieThePooh"}
