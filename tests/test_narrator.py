"""Narrator and focal character: first person named in dialogue, reader-insert, third person."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS, analyze, require_shared, score_seed
from ficlens.api import analyze_text
from ficlens.writers.json import to_dict

STORIES = Path(__file__).parent / "stories_characters"


def test_first_person_narrator_named_only_in_dialogue() -> None:
    result = analyze(STORIES / "narrator_dialogue.txt")
    narration = result["narration"]
    assert narration["pov"] == "first"
    narrator = next(c for c in result["characters"] if c["id"] == narration["narrator"])
    assert narrator["name"] == "Marguerite"
    assert narration["focal_character"] == narrator["id"]
    julien = next(c for c in result["characters"] if c["name"] == "Julien")
    assert julien["id"] != narrator["id"]


def test_unnamed_first_person_narrator_is_created() -> None:
    text = (
        "I woke late and the house was cold. I made coffee and sat by the window.\n\n"
        "The rain had not stopped for three days. I watched it run down the glass and I "
        "thought about the letter on the table, the one I had not opened.\n\n"
        "When I finally opened it, my hands were shaking. I read it twice and then I put it "
        "in the stove and watched it burn."
    )
    doc = analyze_text(text)
    assert doc.narration.pov == "first"
    assert doc.narration.narrator == "narrator"
    narrator = doc.character("narrator")
    assert narrator is not None and narrator.name == "Narrator"
    assert any(m.kind == "narrator" for m in narrator.mentions)


def test_reader_insert_is_focal_not_narrator() -> None:
    result = analyze(STORIES / "reader_insert.txt")
    narration = result["narration"]
    assert narration["narrator"] is None
    focal = next(c for c in result["characters"] if c["id"] == narration["focal_character"])
    assert focal["name"] == "Y/N"
    assert {"Y/N", "(Y/N)"} <= set(focal["aliases"])
    assert all(c["name"] != "Morning" for c in result["characters"])


def test_third_person_focal_character() -> None:
    result = analyze(STORIES / "colleagues.txt")
    assert result["narration"]["narrator"] is None
    focal = next(c for c in result["characters"] if c["id"] == result["narration"]["focal_character"])
    assert focal["name"].endswith("Nora Quill")


def test_seed_narrators() -> None:
    require_shared()
    for seed in SEEDS:
        assert score_seed(seed)["narrator_correct"] == 1.0, seed.stem


def test_focal_character_is_the_one_who_perceives() -> None:
    """Bruno is named more often, but the narration reports what Ada sees, feels and thinks."""
    text = (
        "Bruno came into the kitchen. Bruno put the kettle on. Bruno whistled, and Bruno "
        "dropped a spoon, and Bruno laughed at himself.\n\n"
        "Ada watched him from the door. She knew that laugh. Ada felt the old worry come back, "
        "and she wondered whether he had been drinking again.\n\n"
        "Bruno poured the tea. Bruno sat down. Bruno said nothing at all.\n\n"
        "Ada noticed his hands were shaking. She thought of their father, and she saw the same "
        "tremor, and she felt cold.\n"
    )
    result = to_dict(analyze_text(text))
    focal = result["narration"]["focal_character"]
    assert next(c["name"] for c in result["characters"] if c["id"] == focal) == "Ada"
