"""The consistency stage on stories written for these tests, and on a seed with a known slip."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SEEDS, analyze, require_shared
from ficlens.document import Character, Document, Mention, Narration, Source
from ficlens.pipeline import Config
from ficlens.stages.consistency import consistency_stage, edit_distance, is_variant
from ficlens.stages.quotes import quotes_stage
from ficlens.stages.tokens import tokenize


def run(text: str, pov: str = "third", tense: str = "past", characters: list[Character] | None = None) -> list[dict[str, Any]]:
    """Quotes, tokens and the consistency stage on `text`, with the narration given (not guessed)."""
    doc = Document(text=text, source=Source("test.txt", "txt", "0" * 64))
    quotes_stage(doc, Config())
    doc.layers["tokens"] = tokenize(doc)
    doc.narration = Narration(pov=pov, tense=tense)
    doc.characters = characters or []
    consistency_stage(doc, Config())
    return doc.layers["consistency"]


THIRD_PAST = (
    "Mara walked along the harbour wall while the gulls argued overhead. She counted the boats "
    "twice and still came up one short.\n\n"
    '"I lost one," she told the harbourmaster. "My uncle will be furious."\n\n'
    "He shrugged and went back to his ledger. The wind pulled at her coat and she thought of the "
    "storm that had come in the night.\n\n"
    "The little bell inside my her chest rang out a warning. She turned away from the water and "
    "walked home along the cliff path, where the grass bent flat under the wind.\n\n"
    "Her uncle was waiting at the door. He looked tired, and older than he had looked at supper. "
    "She is too tired to argue. He let her in without a word."
)


def test_pov_slip_outside_quotes_is_found_at_its_offset() -> None:
    found = run(THIRD_PAST)
    slips = [w for w in found if w["kind"] == "pov_slip"]
    at = THIRD_PAST.index("my her")
    assert [(w["start"], w["end"]) for w in slips] == [(at, at + 2)]
    assert '"my her"' in slips[0]["message"]


def test_tense_slip_is_found_and_quoted_present_is_not() -> None:
    found = run(THIRD_PAST)
    tense = [THIRD_PAST[w["start"] : w["end"]] for w in found if w["kind"] == "tense_slip"]
    assert tense == ["She is"]


def test_first_person_story_has_no_pov_slips() -> None:
    text = (
        "I woke before the alarm and lay listening to the rain. My sister was already up; I could "
        "hear her singing in the kitchen. I dressed and went down.\n\n"
        '"You look awful," she said. I told her I had slept badly, which was true.'
    )
    assert not [w for w in run(text, pov="first") if w["kind"] == "pov_slip"]
    # Narration misread as third person is full of "I": the check stands down rather than flag it all.
    assert not [w for w in run(text, pov="third") if w["kind"] == "pov_slip"]


def test_present_tense_story_is_not_flagged_as_tense_slips() -> None:
    text = (
        "She opens the window and leans out. He is already in the yard, and he waves. She waves "
        "back. They walk to the station together, and she is glad of the company. He talks about "
        "his brother; she listens. The train is late."
    )
    # Even if the tense were misread as past, present verbs everywhere mean the story is present.
    assert not [w for w in run(text, tense="past") if w["kind"] == "tense_slip"]


def test_unclosed_quote_and_the_continued_speech_convention() -> None:
    text = (
        '"This is the first part of a long speech, which goes on\n\n'
        '"and carries on into a second paragraph," said Oren.\n\n'
        '"This one never closes, she said, and the paragraph ends.\n\n'
        "The room went quiet after that."
    )
    found = [w for w in run(text) if w["kind"] == "unclosed_quote"]
    second = text.index('"This one')
    assert [w["start"] for w in found] == [second]
    assert found[0]["end"] == text.index("\n", second)


def test_unclosed_quote_comes_from_the_quotes_stage() -> None:
    """A letter quoted over several paragraphs opens once and is closed by a mark after its
    signature: only the opening is reported (the quotes stage's `unclosed`), not the closing
    mark, and a stray mark at a paragraph's end does not make the quotation before it open."""
    text = (
        '"Dear Anne, the carriage leaves at noon and I must write in haste.\n\n'
        "Tell your mother I shall be back by Sunday.\n\n"
        'Yours ever, M."\n\n'
        'She folded the letter. "Well," she said, "that is that." "\n\n'
        "The clock struck twelve."
    )
    found = [w for w in run(text) if w["kind"] == "unclosed_quote"]
    assert [(w["start"], text[w["end"] - 6 : w["end"]]) for w in found] == [(0, "haste.")]


def test_names_spelt_two_ways() -> None:
    text = (
        "Corvalis Wren checked the map. Corvalis had never trusted maps. Wren folded it away and "
        "Corvalis went on. Later, Corvallis sat by the fire and Corvalis slept."
    )
    wren = Character("wren", "Corvalis Wren", ["Corvalis Wren", "Corvalis", "Wren"], "M")
    found = [w for w in run(text, characters=[wren]) if w["kind"] == "name_spelling"]
    assert len(found) == 1
    assert text[found[0]["start"] : found[0]["end"]] == "Corvallis"
    # Two aliases of one cast entry at a small distance are reported as well.
    odd = Character("odd", "Annika Pell", ["Annika", "Anika"], "F", [Mention(0, 4)])
    found = [w for w in run("Annika and Anika.", characters=[odd]) if w["kind"] == "name_spelling"]
    assert found and "Anika" in found[0]["message"] and "Annika" in found[0]["message"]


def test_name_variant_rules() -> None:
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("abcdef", "uvwxyz", 1) == 2  # gives up past the limit
    assert is_variant("Mojtabai", "Mojtabaii")
    assert not is_variant("Reddington", "Reddington's")
    assert not is_variant("Red", "Ted")  # too short to judge
    assert not is_variant("Maria", "maria")


@pytest.mark.parametrize("seed", SEEDS[:1], ids=lambda p: p.stem)
def test_seed_pov_slip_is_reported(seed) -> None:
    require_shared()
    result = analyze(seed)
    text = result["text"]
    at = text.index("my her")
    slips = [w for w in result["consistency"] if w["kind"] == "pov_slip"]
    assert any(w["start"] == at for w in slips), slips
    for w in result["consistency"]:
        assert set(w) == {"kind", "start", "end", "message"}
        assert 0 <= w["start"] <= w["end"] <= len(text)
