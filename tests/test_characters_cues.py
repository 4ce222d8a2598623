"""Characters: the reader's cues for telling names from other capitalised words, on invented
passages (one rule each)."""

from __future__ import annotations

from ficlens.api import analyze_text
from ficlens.names import rank_of
from ficlens.writers.json import to_dict


def characters(text: str) -> list[dict]:
    return to_dict(analyze_text(text))["characters"]


def by_alias(chars: list[dict], alias: str) -> dict:
    hits = [c for c in chars if alias in c["aliases"]]
    assert len(hits) == 1, f"{alias!r} belongs to {len(hits)} characters"
    return hits[0]


def test_interjections_adverbs_and_company_words_are_not_people() -> None:
    """'"Ooh."', '"Mm?"', '"Technically, sir"' and 'Hobbs and Co.' open or end like a name
    but name nobody: the interjections are no names, a word followed by "sir" is not the one
    addressed, "Co." is a company."""
    text = (
        "Tobias Wren kept the shop of Hobbs and Co. on the quay. Tobias Wren was tired.\n\n"
        '"Ooh. What is that?" Mara asked.\n\n'
        '"A clock," said Tobias. "Technically, sir, it is a barometer."\n\n'
        '"Mm?" Mara leaned closer. "It is ticking, Tobias."\n\n'
        '"Technically, sir, so is my heart," Tobias said, and Mara laughed.\n'
    )
    names = {a for c in characters(text) for a in c["aliases"]}
    assert {"Tobias", "Mara"} <= names
    for junk in ("Ooh", "Mm", "Technically", "Co.", "Co"):
        assert junk not in names


def test_relative_who_and_first_name_of_a_full_name() -> None:
    """"from Paris Geller, who ... her life": ", who" follows a person, so the full name is a
    person though a tagger calls it a city, and "Paris" alone is then her first name."""
    text = (
        "I opened my laptop. Seven messages from Paris. Paris texts the way other people "
        "shout across parking lots.\n\n"
        '"Status report," the first one said.\n\n'
        "I typed back with one thumb. The dots came and went, which with Paris is a sigh.\n\n"
        "And then, a minute later, from Paris Geller, who has never in her life sent a kind "
        "word on purpose: a single thumbs-up.\n"
    )
    paris = by_alias(characters(text), "Paris Geller")
    assert "Paris" in paris["aliases"]


def test_who_without_comma_belongs_to_the_noun_before_the_place() -> None:
    text = (
        '"A gentleman of Limehouse who objected to my questions," Holmes said.\n\n'
        "Holmes talked about the tide tables at Limehouse while I stitched. Holmes was pale.\n"
    )
    names = {a for c in characters(text) for a in c["aliases"]}
    assert "Limehouse" not in names


def test_clipped_rank_and_bare_title_join_their_holder() -> None:
    """"Sarge" is Sergeant Pike and "Captain" in address is Captain Reyes, each the one
    character holding that rank."""
    text = (
        "Sergeant Pike came in out of the rain. Captain Reyes looked up from the desk.\n\n"
        '"You are late, Sergeant Pike."\n\n'
        '"The tram was late, Captain." Pike shook out his coat.\n\n'
        '"Sarge always says that," said Constable Amos Dunn from the door. "Don\'t you, Sarge?"\n\n'
        '"I do," said Pike. "Because it always is, Captain."\n\n'
        "Reyes sighed and went back to her reports.\n"
    )
    chars = characters(text)
    pike = by_alias(chars, "Sergeant Pike")
    assert "Sarge" in pike["aliases"]
    reyes = by_alias(chars, "Captain Reyes")
    assert "Captain" in reyes["aliases"]
    assert rank_of("Sgt.") == rank_of("Sarge") == "sergeant"


def test_he_after_another_name_is_not_the_first_names() -> None:
    """"Zorina looked at Tobias, and he grinned": the he is Tobias's, not Zorina's."""
    text = (
        "Zorina looked at Tobias, and he grinned at her across the table.\n\n"
        "Zorina waved at Tobias, and he waved back.\n\n"
        "Zorina poured the tea. She did not offer him any.\n\n"
        '"You are cross," Tobias said.\n\n"I am thirsty," said Zorina.\n'
    )
    assert by_alias(characters(text), "Zorina")["gender"] == "F"


def test_plural_common_noun_opening_a_sentence_is_not_a_name() -> None:
    text = (
        "Halvard walked down to the bridge at dawn, where the river ran fast and brown.\n\n"
        '"Bridges are a known target," Halvard said to the guard. "Keep your eyes open."\n\n'
        "The guard nodded. Halvard went back up the hill.\n"
    )
    names = {a for c in characters(text) for a in c["aliases"]}
    assert "Halvard" in names and "Bridges" not in names


PHONE_CALL = (
    "I was at my desk when the phone rang. I knew who it was before I looked.\n\n"
    '"Hi, Mom."\n\n'
    '"You sound tired," my mother said. "Are you eating?"\n\n'
    '"I am eating. I ate a sandwich at noon."\n\n'
    '"Delia! The oven is smoking!" Walter shouted, somewhere behind her.\n\n'
    '"The oven is always smoking, Walter," she called back. "Eat a vegetable, Tess."\n\n'
    '"Mom."\n\n"Fine, fine. Love you."\n\n'
    "I put the phone down and looked at the screen. I did not eat a vegetable.\n"
)


def test_parent_name_joins_the_mother_named_in_her_call() -> None:
    """In a first-person story "Mom" is the narrator's mother, whom someone else calls by her
    first name during her call: the one woman (or unknown) named only in that dialogue."""
    chars = characters(PHONE_CALL)
    delia = by_alias(chars, "Delia")
    assert "Mom" in delia["aliases"] and delia["name"] == "Delia"
    assert delia["gender"] == "F"


def test_parent_name_with_two_candidates_names_nobody() -> None:
    """Walter calls two women by name during the call: which is the mother is not told."""
    text = PHONE_CALL.replace(
        '"Mom."\n\n"Fine', '"Marla, the smoke alarm!" Walter yelled again.\n\n"Mom."\n\n"Fine'
    )
    chars = characters(text)
    assert all("Mom" not in c["aliases"] for c in chars)
