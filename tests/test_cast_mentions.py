"""Cast names as a story writes them: descriptions in lower case, titles without their dot,
connectors in either case, first names and surnames taken from every alias, shared first
names, month names, and a gender carried by a cast line."""

from __future__ import annotations

from ficlens.cast import parse_cast, split_gender, with_gender
from ficlens.document import Document, Source
from ficlens.evaluation import pdnc
from ficlens.pipeline import Config, Pipeline
from ficlens.stages.characters import cast_name_parts

STAGES = ("structure", "quotes", "characters")


def run(text: str, cast: list[tuple[str, list[str]]]) -> Document:
    doc = Document(text=text, source=Source("t.txt", "txt", "0", len(text)))
    return Pipeline(STAGES, Config(cast=cast, use_spacy=False))(doc)


def named(doc: Document, name: str) -> list[str]:
    c = next(c for c in doc.characters if c.name == name)
    return [doc.text[m.start : m.end] for m in c.mentions if m.kind == "name"]


def test_a_description_in_the_cast_is_found_in_lower_case() -> None:
    text = (
        "Syme walked along the river. The policeman stopped him at the bridge.\n\n"
        '"Where are you going?" said the policeman.\n\n'
        '"Home," said Syme. A policeman always asks, he thought.\n'
    )
    doc = run(text, [("The Policeman", ["A Policeman"]), ("Gabriel Syme", ["Syme"])])
    found = named(doc, "The Policeman")
    assert found.count("the policeman") == 1 and "The policeman" in found and "A policeman" in found


def test_a_one_word_description_of_a_named_character_is_not_matched_in_lower_case() -> None:
    text = 'Tony heard the voice again. "Come in," said the voice.\n\n"Beaver?" asked Tony.\n'
    doc = run(text, [("John Beaver", ["Beaver", "The Voice"]), ("Tony Last", ["Tony"])])
    assert named(doc, "John Beaver") == ["Beaver"]


def test_titles_without_a_dot_and_lower_case_connectors_match_the_cast_name() -> None:
    text = (
        "Archer bowed to Mr van der Luyden, who said nothing.\n\n"
        '"Indeed," Mr van der Luyden said at last.\n\n'
        "Mrs van der Luyden smiled.\n"
    )
    cast = [
        ("Mr. Van Der Luyden", ["Mr. Henry Van Der Luyden"]),
        ("Mrs. Van Der Luyden", ["Mrs. Louisa Van Der Luyden"]),
        ("Newland Archer", ["Archer"]),
    ]
    doc = run(text, cast)
    assert named(doc, "Mr. Van Der Luyden") == ["Mr van der Luyden"] * 2
    assert named(doc, "Mrs. Van Der Luyden") == ["Mrs van der Luyden"]
    assert not any(c.name == "Luyden" for c in doc.characters)


def test_inner_case_and_accents_do_not_hide_a_cast_name() -> None:
    text = 'Up in the tree sat Winnie-the-Pooh.\n\n"Hallo," said Thérèse de Vitré.\n'
    doc = run(text, [("Winnie-the-pooh", ["Pooh"]), ("Therese De Vitre", [])])
    assert named(doc, "Winnie-the-pooh") == ["Winnie-the-Pooh"]
    assert named(doc, "Therese De Vitre") == ["Thérèse de Vitré"]


def test_names_come_from_every_alias_of_a_cast_member() -> None:
    assert cast_name_parts("Mr. Henry Van Der Luyden") == ("Henry", "Luyden")
    assert cast_name_parts("Edward Bear") == ("Edward", "Bear")
    assert cast_name_parts("Mrs. Bennet") == (None, "Bennet")
    assert cast_name_parts("Pooh") == ("Pooh", None)
    assert cast_name_parts("The Civil Surgeon") == (None, None)
    assert cast_name_parts("Mrs. John Dashwood") == (None, None)  # John's wife, not John
    text = '"Come along," said Bear.\n\nThen Pooh sat down.\n\n"Yes," said Piglet.\n'
    doc = run(text, [("Winnie-the-pooh", ["Edward Bear", "Pooh"]), ("Piglet", [])])
    assert named(doc, "Winnie-the-pooh") == ["Bear", "Pooh"]  # "Bear" from "Edward Bear"


def test_exact_first_name_before_a_nickname_family() -> None:
    text = (
        "Sir Thomas Bertram came home. Tom Bertram was out.\n\n"
        '"Father is back," cried Tom.\n\n"So he is," said Sir Thomas.\n'
    )
    doc = run(text, [("Tom Bertram", []), ("Sir Thomas", ["Sir Thomas Bertram"])])
    assert "Tom" in named(doc, "Tom Bertram")
    assert "Tom" not in named(doc, "Sir Thomas")


def test_a_shared_first_name_goes_to_the_bearer_seldom_named_in_full() -> None:
    text = (
        "Charles Hayter called. Charles Hayter sat by Henrietta; Charles Hayter said little.\n\n"
        '"Well," said Charles Musgrove.\n\n"Well," said Charles.\n\n"No," said Charles.\n'
    )
    doc = run(text, [("Charles Hayter", ["Hayter"]), ("Charles Musgrove", []), ("Henrietta", [])])
    assert named(doc, "Charles Musgrove").count("Charles") == 2


def test_a_month_name_is_the_cast_member_only_where_it_is_not_the_month() -> None:
    text = (
        "In May the Wellands went to the country.\n\n"
        '"May I come?" asked Archer.\n\n'
        '"Of course," said May, smiling.\n\nMay looked at him.\n'
    )
    doc = run(text, [("Miss Welland", ["May Welland"]), ("Newland Archer", ["Archer"])])
    assert named(doc, "Miss Welland") == ["May", "May"]


def test_with_a_cast_a_stray_capitalised_word_is_no_character() -> None:
    text = (
        '"Hallo," said Pooh.\n\n"Hallo!" said Piglet.\n\n"Hallo, Pooh," he said.\n\n'
        '"Hallo, Piglet," said Pooh.\n'
    )
    doc = run(text, [("Winnie-the-pooh", ["Pooh"]), ("Piglet", [])])
    assert [c.name for c in doc.characters] == ["Winnie-the-pooh", "Piglet"]


def test_a_cast_line_may_carry_a_gender() -> None:
    cast = parse_cast("Kanga [F]: Kanga, Roo's mother\nPiglet: Piglet\n")
    assert cast[0] == ("Kanga [F]", ["Kanga", "Roo's mother"])
    assert split_gender("Kanga [F]") == ("Kanga", "F")
    assert split_gender("Piglet") == ("Piglet", None)
    assert with_gender("Owl", "X") == "Owl"
    doc = run('"Come, Roo," said Kanga.\n', [("Kanga [F]", []), ("Roo", [])])
    kanga = next(c for c in doc.characters if c.name == "Kanga")
    assert kanga.gender == "F"


def test_pdnc_gold_cast_can_pass_its_genders() -> None:
    novel = pdnc.load_novel("Persuasion")
    plain = pdnc.config_cast(novel)
    marked = pdnc.config_cast(novel, gender=True)
    assert [n for n, _ in plain] == [split_gender(n)[0] for n, _ in marked]
    genders = {split_gender(n)[0]: split_gender(n)[1] for n, _ in marked}
    assert genders["Anne Elliot"] == "F" and genders["Admiral Croft"] == "M"


def test_a_role_named_with_a_title_word_is_found_in_lower_case() -> None:
    """ "The Detective" names a role, not a man called Detective: "the detective" is him."""
    text = (
        "Maurice sent for the police. The detective examined the room carefully.\n\n"
        '"Was the window open?" asked the detective.\n\n'
        '"It always is," said Maurice, and the officer wrote it down.\n'
    )
    doc = run(text, [("The Detective", ["The Officer"]), ("Maurice Oakley", ["Maurice"])])
    assert named(doc, "The Detective") == ["The detective", "the detective", "the officer"]


def test_a_misspelt_cast_name_does_not_stop_its_descriptions_being_found() -> None:
    """A cast line whose name the story never writes ("The Soliciter") is still a nameless
    role: its alias "The Solicitor" matches "the solicitor". A one-word alias of a character
    whose name the story does write ("A Friend" of "A Friend Of Mrs. Wilcox") needs capitals."""
    text = (
        '"I have no doubt of it," said the solicitor, bowing.\n\n'
        'Tony met a friend at the club. "Sorry," said Tony.\n\n'
        "A Friend Of Mrs. Wilcox was there too.\n"
    )
    cast = [
        ("The Soliciter", ["The Solicitor", "The Lawyer"]),
        ("A Friend Of Mrs. Wilcox", ["A Friend"]),
        ("Tony Last", ["Tony"]),
    ]
    doc = run(text, cast)
    assert named(doc, "The Soliciter") == ["the solicitor"]
    assert named(doc, "A Friend Of Mrs. Wilcox") == ["A Friend Of Mrs. Wilcox"]


def test_a_name_whose_accents_were_lost_in_the_encoding_is_found() -> None:
    """Text copied through a wrong encoding writes "Thérèse" as "Th?r?se" (or with U+FFFD):
    the cast name and its first name still match."""
    text = (
        '"How funny," said Th?r?se de Vitr?.\n\n'
        '"I can\'t believe it," said Th\ufffdr\ufffdse. Tony laughed.\n'
    )
    doc = run(text, [("Therese De Vitre", ["Thérèse De Vitré"]), ("Tony Last", ["Tony"])])
    assert named(doc, "Therese De Vitre") == ["Th?r?se de Vitr?", "Th\ufffdr\ufffdse"]


def test_a_misspelt_cast_name_takes_the_name_the_story_writes() -> None:
    text = (
        "The Nawab Bahadur came into the room with Aziz.\n\n"
        '"Take me too," said the Nawab Bahadur.\n\n"Of course," said Aziz. The Nawab Bahadur smiled.\n'
    )
    doc = run(text, [("The Nawab Badahur", ["Nawab Badahur", "Mr. Zulfiqar"]), ("Dr. Aziz", ["Aziz"])])
    assert named(doc, "The Nawab Badahur").count("Nawab Bahadur") == 3
    doc = run(text, [("The Nawab Badahur", ["Nawab Badahur"]), ("Nawab Bahadur", []), ("Dr. Aziz", ["Aziz"])])
    assert named(doc, "Nawab Bahadur").count("Nawab Bahadur") == 3  # the exact name wins


def test_a_pdnc_cast_typo_is_read_as_the_name_in_the_novel() -> None:
    """PDNC's A Passage to India lists "The Nawab Badahur"; the novel writes "Nawab Bahadur"."""
    from conftest import require_shared

    require_shared()
    novel = pdnc.load_novel("APassageToIndia")
    doc = run(novel.text, pdnc.config_cast(novel))
    assert len(named(doc, "The Nawab Badahur")) >= 30


def test_a_first_name_the_cast_lends_to_the_wrong_person_goes_to_its_bearer() -> None:
    text = (
        "Edward Ferrars came with his brother Robert Ferrars. Robert laughed at Edward.\n\n"
        '"You are late," said Edward. Robert shrugged and Ferrars frowned.\n\n'
        "Robert spoke to Edward about the house. Then Robert left.\n"
    )
    cast = [("Edward Ferrars", ["Edward", "Ferrars", "Robert"]), ("Robert Ferrars", [])]
    doc = run(text, cast)
    assert "Robert" in named(doc, "Robert Ferrars") and "Robert" not in named(doc, "Edward Ferrars")
    alone = text.replace("Robert laughed at Edward.", "He laughed.").replace(" and Ferrars frowned", "")
    alone = alone.replace("Robert spoke to Edward about the house", "Robert spoke about the house")
    assert "Robert" in named(run(alone, cast), "Edward Ferrars")  # never beside Edward: the cast holds


def test_pdnc_robert_of_sense_and_sensibility_is_robert_ferrars() -> None:
    """PDNC's cast lists "Robert" under Edward Ferrars as well as Robert Ferrars' own entry."""
    from conftest import require_shared

    require_shared()
    novel = pdnc.load_novel("SenseAndSensibility")
    doc = run(novel.text, pdnc.config_cast(novel))
    assert named(doc, "Robert Ferrars").count("Robert") >= 10
    assert "Robert" not in named(doc, "Edward Ferrars")
