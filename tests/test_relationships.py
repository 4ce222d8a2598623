"""Relationships: the central pair first, with the kind the story makes evident."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GOLD, SEEDS, analyze, require_shared
from ficlens.api import analyze_text
from ficlens.stages.relationships import build_relationships

STORIES = Path(__file__).parent / "stories_characters"


def pair(result: dict, a: str, b: str) -> dict:
    ids = {c["name"]: c["id"] for c in result["characters"]}
    want = {ids[a], ids[b]}
    return next(r for r in result["relationships"] if {r["a"], r["b"]} == want)


def test_kinds_from_cues_near_both_characters() -> None:
    result = analyze(STORIES / "colleagues.txt")
    assert pair(result, "Detective Nora Quill", "Elena")["kind"] == "romantic"
    assert pair(result, "Detective Nora Quill", "Sam Okafor")["kind"] == "professional"
    for r in result["relationships"]:
        assert 0.0 <= r["score"] <= 1.0


def test_family_pair() -> None:
    result = analyze(STORIES / "nicknames.txt")
    assert pair(result, "Elizabeth Hartley", "Tom")["kind"] == "family"


def test_declared_ao3_relationship_wins() -> None:
    doc = analyze_text(
        "Mara met Jonah at the station. Mara laughed at Jonah's hat. Jonah said it was warm.\n\n"
        "Later Mara and Jonah walked to the river with Ines. Ines said the river was cold, "
        "and Ines's dog barked at Jonah."
    )
    doc.metadata["relationships"] = ["Ines/Jonah"]
    rels = build_relationships(doc)
    names = {c.id: c.name for c in doc.characters}
    top = rels[0]
    assert {names[top.a], names[top.b]} == {"Ines", "Jonah"}
    assert top.kind == "romantic" and top.score == 1.0


def test_seed_central_pair_is_romantic() -> None:
    require_shared()
    from conftest import scorer

    for seed in SEEDS:
        gold = json.loads((GOLD / f"{seed.stem}.gold.json").read_text(encoding="utf-8"))
        result = analyze(seed)
        mapping = scorer().map_characters(gold, result)
        top = result["relationships"][0]
        central = gold["relationships"][0]
        assert {mapping[top["a"]], mapping[top["b"]]} == {central["a"], central["b"]}, seed.stem
        assert top["kind"] == "romantic", seed.stem


def test_pet_names_both_ways_and_inner_states_mark_a_romance() -> None:
    """No 'love' or 'kiss' near both: the two call each other by private names ("Ned", "Win")
    and her racing heart is credited to her central partner."""
    result = analyze(STORIES / "titles_and_pets.txt")
    top = result["relationships"][0]
    names = {c["id"]: c["name"] for c in result["characters"]}
    assert {names[top["a"]], names[top["b"]]} == {
        "Winifred Pryce",
        "Chief Superintendent Edmund Harrow",
    }
    assert top["kind"] == "romantic"


def test_plain_text_pairing_header_declares_the_ship() -> None:
    """ "Pairing: Tomas Varga x Reader" in a plain-text header: metadata, and a declared
    romantic pair of Tomas and the reader-insert Y/N."""
    result = analyze(Path(__file__).parent / "stories" / "reader_insert_header.txt")
    assert result["metadata"]["relationships"] == ["Tomas Varga/Reader"]
    assert result["metadata"]["warnings"] == ["mild swearing", "one very bad pun"]
    top = result["relationships"][0]
    assert {top["a"], top["b"]} == {"tomas", "y_n"}
    assert top["kind"] == "romantic" and top.get("declared") is True
