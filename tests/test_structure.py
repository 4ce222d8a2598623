"""The structure stage: paratext kinds and exact extents, chapters and scenes in plain text."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, EXAMPLES, SAMPLES, SEEDS, require_shared, score_seed
from ficlens import paratext_cues as cues
from ficlens.document import Document, Paratext, Source
from ficlens.pipeline import Config
from ficlens.readers import read_path
from ficlens.stages.structure import structure_stage

STORIES = Path(__file__).parent / "stories"


def structured(path: Path) -> Document:
    doc = read_path(str(path))
    structure_stage(doc, Config(use_spacy=False))
    return doc


def blocks(doc: Document) -> list[tuple[str, str]]:
    return [(p.kind, doc.text[p.start : p.end]) for p in doc.paratext]


def assert_well_formed(doc: Document) -> None:
    """Sorted, non-overlapping spans with no surrounding whitespace; scenes inside chapters."""
    prev_end = 0
    for p in doc.paratext:
        assert prev_end <= p.start < p.end <= len(doc.text)
        span = doc.text[p.start : p.end]
        assert span == span.strip(), span
        prev_end = p.end
    for s in doc.scenes:
        ch = doc.chapters[s.chapter]
        assert ch.start <= s.start < s.end <= ch.end
        assert not doc.is_paratext(s.start)


def test_ffn_style_sample_every_block() -> None:
    require_shared()
    doc = structured(SAMPLES / "ffn_style_paratext_synthetic.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    kinds = [k for k, _ in got]
    assert kinds == [
        "title", "other", "disclaimer", "author_note",
        "chapter_heading", "other", "scene_break", "scene_break", "other", "author_note", "signature",
        "chapter_heading", "author_note", "disclaimer", "other", "scene_break", "author_note",
        "scene_break", "scene_break", "author_note",
        "chapter_heading", "scene_break", "scene_break", "other", "author_note", "signature",
    ]  # fmt: skip
    text = doc.text
    # Every block is whole lines (or a whole parenthesis), copied exactly from the file.
    for kind, span in got:
        i = text.index(span)
        before = text[i - 1] if i else "\n"
        after = text[i + len(span)] if i + len(span) < len(text) else "\n"
        if span.startswith("("):
            assert kind == "author_note" and span.endswith(")") and before == " "
        else:
            assert before == "\n" and after == "\n", span
    assert got[0][1] + "\n" + got[1][1] == text[: text.index("\n", len(got[0][1]) + 1)]
    assert got[-1][0] == "signature" and got[-1][1].count("\n") == 1
    assert text.rstrip().endswith(got[-1][1])
    # Story-internal flashback markers stay story.
    flashback_lines = [ln for ln in text.splitlines() if "Flashback" in ln]
    assert flashback_lines
    for ln in flashback_lines:
        assert not doc.is_paratext(text.index(ln))
    assert [c.title.split(":")[0].lower() for c in doc.chapters] == [
        "chapter 1",
        "chapter 2",
        "chapter 3",
    ]
    assert [s.chapter for s in doc.scenes] == [0, 0, 0, 1, 1, 1, 2, 2]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_paratext_against_gold(seed: Path) -> None:
    require_shared()
    m = score_seed(seed)
    assert m["paratext_precision"] >= 0.97
    assert m["paratext_recall"] >= 0.95


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_structure_is_well_formed(seed: Path) -> None:
    require_shared()
    doc = structured(seed)
    assert_well_formed(doc)
    assert doc.chapters and doc.scenes
    story = doc.text[doc.scenes[0].start : doc.scenes[-1].end]
    assert len(story.split()) > 0.8 * len(doc.text.split())


def test_ao3_paste_notes_summary_and_chapter_titles() -> None:
    doc = structured(STORIES / "ao3_paste.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    assert got[0] == ("title", "The Ferryman's Ledger")
    assert got[1] == ("other", "quietwren")
    assert got[2][0] == "summary" and got[2][1].startswith("Summary:\n\nNell keeps")
    assert got[2][1].endswith("never seen before.")
    assert got[3][0] == "author_note" and got[3][1].startswith("Notes:\n\nWritten for")
    assert got[3][1].endswith("Enjoy!")
    assert got[4] == ("chapter_heading", "Chapter One: The Coin")
    assert got[5] == ("other", "Chapter Text")
    assert got[6][0] == "author_note" and got[6][1].startswith("Notes:\n\nChapter two is")
    assert got[7:] == [("chapter_heading", "Chapter Two: The Heron"), ("other", "Chapter Text")]
    assert [c.title for c in doc.chapters] == ["Chapter One: The Coin", "Chapter Two: The Heron"]
    assert doc.metadata["title"] == "The Ferryman's Ledger"


def test_prologue_parts_and_epilogue_are_chapters() -> None:
    doc = structured(STORIES / "parts_and_prologue.txt")
    assert_well_formed(doc)
    titles = ["Prologue", "Part I", "Part II", "Ch. 3", "Epilogue"]
    assert blocks(doc) == [("chapter_heading", t) for t in titles]
    assert [c.title for c in doc.chapters] == titles
    text = doc.text
    for a, b in zip(doc.chapters, doc.chapters[1:], strict=False):
        assert a.end == b.start
    assert doc.chapters[-1].end == len(text.rstrip())
    assert len(doc.scenes) == 5
    assert text[doc.scenes[3].start :].startswith("The harbourmaster")


def test_inline_note_signposts_headers_and_signature() -> None:
    doc = structured(STORIES / "notes_and_signposts.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    assert got[:4] == [
        ("other", "Pairing: Saoirse/Dev"),
        ("other", "Rating: T"),
        ("other", "Word count: 412"),
        ("summary", "Summary: Two rival bakers, one village fete, and a very unfortunate marrow."),
    ]
    assert got[4][0] == "author_note" and got[4][1].startswith("Sorry this took so long")
    assert got[5] == ("other", "Saoirse's POV")
    assert got[6] == (
        "author_note",
        "(A/N: yes, they are both terrible at feelings, that is the whole point)",
    )
    assert got[7:9] == [("scene_break", "o0o0o0o"), ("other", "Dev's POV")]
    assert got[9][0] == "author_note" and got[9][1].startswith("A/N: That's all for now!")
    assert got[10] == ("signature", "-wrenfeather")
    assert len(got) == 11
    # the paragraph around the inline note stays story on both sides
    note = doc.paratext[6]
    assert not doc.is_paratext(note.start - 2) and not doc.is_paratext(note.end + 1)
    assert len(doc.scenes) == 2


def test_no_paratext_story_starting_with_short_dialogue() -> None:
    doc = structured(STORIES / "no_paratext.txt")
    assert doc.paratext == []
    assert len(doc.chapters) == 1 and len(doc.scenes) == 1
    assert doc.chapters[0].start == 0 and doc.chapters[0].end == len(doc.text.rstrip())
    assert doc.word_count() == len(doc.text.split())


def test_letter_signed_at_the_end_of_a_story_is_story() -> None:
    doc = structured(STORIES / "letter_ending.txt")
    assert doc.paratext == []
    assert doc.text[doc.scenes[0].start :].startswith("This cannot be happening.")


def test_hard_wrapped_text_keeps_paragraphs_whole() -> None:
    doc = structured(STORIES / "hard_wrapped.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    assert got[0] == ("title", "Salt and Iron")
    assert got[1][0] == "disclaimer" and got[1][1].endswith("I own nothing but the plot.")
    assert got[2] == ("chapter_heading", "Chapter 1\nThe Long Road")
    assert got[3] == ("scene_break", "* * *")
    assert got[4] == ("chapter_heading", "Chapter 2\nHarrowmouth")
    assert got[5][0] == "author_note" and got[5][1].endswith("always very\nwelcome.")
    assert [c.title for c in doc.chapters] == ["Chapter 1: The Long Road", "Chapter 2: Harrowmouth"]


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        (
            "keeper_of_carrow_point.txt",
            ["title", "other", "disclaimer", "author_note", "chapter_heading", "scene_break",
             "author_note", "signature", "chapter_heading", "author_note", "scene_break", "other",
             "author_note", "signature"],
        ),
        (
            "the_orchard_war.txt",
            ["title", "summary", "other", "other", "chapter_heading", "scene_break",
             "chapter_heading", "author_note"],
        ),
        ("you_and_the_night_market.txt", ["title", "author_note", "signature"]),
    ],
)  # fmt: skip
def test_examples(name: str, kinds: list[str]) -> None:
    doc = structured(EXAMPLES / name)
    assert_well_formed(doc)
    assert [k for k, _ in blocks(doc)] == kinds


def test_title_and_byline_become_metadata() -> None:
    doc = structured(EXAMPLES / "keeper_of_carrow_point.txt")
    assert doc.metadata["title"] == "Keeper of Carrow Point"
    assert doc.metadata["authors"] == ["saltwaterink"]
    # the sign-off equals the byline
    assert blocks(doc)[-1] == ("signature", "Love always,\nsaltwaterink")


def test_markup_structure_is_kept_and_only_completed() -> None:
    text = (
        "Chapter title from markup\n\nShe ran.\n\n* * *\n\nHe waited. (A/N: sorry!) Then he left."
        "\n\nA/N: thanks for reading\n\nEnd notes from markup"
    )
    doc = Document(text=text, source=Source("x.html", "html", "0" * 64))
    doc.structure_from_markup = True
    end_notes = text.index("End notes")
    doc.paratext = [
        Paratext("chapter_heading", 0, 25),
        Paratext("author_note", end_notes, len(text)),
    ]
    from ficlens.document import Chapter

    doc.chapters = [Chapter("Chapter title from markup", 0, len(text))]
    structure_stage(doc, Config(use_spacy=False))
    got = blocks(doc)
    assert got == [
        ("chapter_heading", "Chapter title from markup"),
        ("scene_break", "* * *"),
        ("author_note", "(A/N: sorry!)"),
        ("author_note", "A/N: thanks for reading"),
        ("author_note", "End notes from markup"),
    ]
    assert len(doc.chapters) == 1
    assert [text[s.start : s.end] for s in doc.scenes] == [
        "She ran.",
        "He waited. (A/N: sorry!) Then he left.",
    ]


@pytest.mark.parametrize(
    "line",
    ["***", "* * *", "~~~", "xXx", "oOoOo", "-line break-", "~.~", ".", "* JSTB * JSTB *",
     "o0o0o", "XXX", "~*~*~", "----------", "+ + +", "[scene break]"],
)  # fmt: skip
def test_separator_lines(line: str) -> None:
    assert cues.is_scene_break(line)


@pytest.mark.parametrize(
    "line",
    ["\"...\"", "No no no", ":)", "Oh.", "xxx", "Ooh", "I know.", "*Flashback*", "?!", "Boom boom"],
)  # fmt: skip
def test_story_lines_are_not_separators(line: str) -> None:
    assert not cues.is_scene_break(line)


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Chapter 2", True), ('CHAPTER 2: "Losing You"', True), ("Chapter One: Title", True),
        ("Ch. 3", True), ("Part II", True), ("Prologue", True), ("Epilogue - Ten Years Later", True),
        ("Chapter Twenty-One", True), ("Part of me wanted to scream.", False),
        ("Chapter one ended badly", False), ("Book two of the series was worse.", False),
        ("Epilogues are for cowards, she said.", False),
    ],
)  # fmt: skip
def test_chapter_headings(line: str, heading: bool) -> None:
    assert cues.chapter_heading(line) is heading


def test_novels_have_no_invented_notes() -> None:
    """Published novels carry headings and separators, not author's notes or disclaimers."""
    require_shared()
    novels = sorted((DATA / "pdnc" / "data").glob("*/novel_text.txt"))
    assert len(novels) >= 10
    for path in novels:
        doc = structured(path)
        assert_well_formed(doc)
        kinds = {p.kind for p in doc.paratext}
        assert not kinds & {"author_note", "disclaimer", "summary"}, path.parent.name
        marked = sum(p.end - p.start for p in doc.paratext)
        assert marked < 0.015 * len(doc.text), path.parent.name  # headings, front matter
        assert len(doc.chapters) >= 1


def test_unlabelled_and_multi_paragraph_notes() -> None:
    doc = structured(STORIES / "multi_paragraph_notes.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    assert got[0] == ("chapter_heading", "~Chapter 3~")
    assert got[1] == (
        "author_note",
        "Hey guys! Sorry for the late update, exams ate my brain. Enjoy!",
    )
    assert got[2] == ("scene_break", "***")
    assert [k for k, _ in got[3:]] == [
        "author_note",
        "author_note",
        "author_note",
        "chapter_heading",
    ]
    assert got[4][1].startswith("Also, a huge thank you") and got[5][1] == "Cheers!"
    assert [c.title for c in doc.chapters] == ["Chapter 3", "Chapter 4"]
    assert [doc.text[s.start : s.end].split()[0] for s in doc.scenes] == ["The", "The"]
    assert doc.text[: doc.scenes[0].end].endswith("a little further anyway.")


def test_single_newline_paragraphs() -> None:
    """Paragraphs separated by single line breaks: every line is judged on its own."""
    doc = structured(STORIES / "single_newlines.txt")
    assert_well_formed(doc)
    assert blocks(doc) == [
        ("chapter_heading", "Chapter 5: Glass"),
        ("other", "Ines's POV"),
        ("other", "THE END"),
    ]
    scene = doc.text[doc.scenes[0].start : doc.scenes[0].end]
    assert scene.startswith("The greenhouse") and scene.endswith("It was enough.")


def test_bare_recap_label_takes_its_paragraph() -> None:
    text = (
        "Chapter 4\n\nPreviously:\n\nThe twins had lost the map, and the tide was coming in."
        "\n\nThe tide did not wait for anyone.\n"
    )
    doc = Document(text=text, source=Source("x", "txt", "0" * 64))
    structure_stage(doc, Config(use_spacy=False))
    assert blocks(doc) == [
        ("chapter_heading", "Chapter 4"),
        ("other", "Previously:\n\nThe twins had lost the map, and the tide was coming in."),
    ]
    assert doc.text[doc.scenes[0].start : doc.scenes[0].end] == "The tide did not wait for anyone."


STORY_BODY = (
    "The road out of the valley was washed away, so they walked.\n\n"
    "By evening the rain had stopped and the stars came out over the ridge.\n"
)


@pytest.mark.parametrize(
    "opening",
    [
        "I own nothing but the clothes on my back.",
        "Everyone who knew her said she was fine.",
        "Thank you so much.",
        "It was over.",
        '"Wait!"',
        "*Three years earlier*",
    ],
)
def test_story_openings_that_only_look_like_paratext(opening: str) -> None:
    doc = Document(text=f"{opening}\n\n{STORY_BODY}", source=Source("x", "txt", "0" * 64))
    structure_stage(doc, Config(use_spacy=False))
    assert doc.paratext == []
    assert doc.scenes[0].start == 0


@pytest.mark.parametrize(
    ("opening", "kind"),
    [
        ("I own nothing but the plot.", "disclaimer"),
        ("Hey guys! Sorry for the late update. Enjoy!", "author_note"),
        ("Please review!", "other"),
        ("Rating: M for language", "other"),
    ],
)
def test_unlabelled_openings_that_are_paratext(opening: str, kind: str) -> None:
    doc = Document(text=f"{opening}\n\n{STORY_BODY}", source=Source("x", "txt", "0" * 64))
    structure_stage(doc, Config(use_spacy=False))
    assert blocks(doc) == [(kind, opening)]


def dedicated(text: str) -> Document:
    doc = Document(text=text, source=Source("dedication", "txt", "0" * 64))
    structure_stage(doc, Config(use_spacy=False))
    return doc


def test_signed_dedication_before_the_first_chapter_is_paratext() -> None:
    """A dedication, its poem and the initials that sign it are front matter, not story."""
    doc = dedicated(
        "Salt and Iron\n\nFor Marguerite\n\nYou and I walked the harbour wall\n"
        "When all the lamps were out.\n\nM. R.\n\nChapter 1\n\n"
        "The ferry left at nine. Tomas missed it.\n"
    )
    kinds = blocks(doc)
    assert ("other", "For Marguerite") in kinds
    assert any(k == "other" and t.startswith("You and I walked") for k, t in kinds)
    assert ("other", "M. R.") in kinds
    assert doc.text[doc.scenes[0].start :].startswith("The ferry left at nine.")


def test_unsigned_dedication_leaves_the_prologue_story() -> None:
    doc = dedicated(
        "For Marguerite\n\nThe harbour was quiet that winter, and Tomas liked it.\n\n"
        "Chapter 1\n\nThe ferry left at nine.\n"
    )
    assert blocks(doc)[0] == ("other", "For Marguerite")
    assert not doc.is_paratext(doc.text.index("The harbour was quiet"))


def test_pdnc_dedicatory_poem_is_paratext() -> None:
    """The Man Who Was Thursday opens with a signed dedicatory poem (its "you and I" must not
    count as first-person narration)."""
    require_shared()
    text = (DATA / "pdnc" / "data" / "TheManWhoWasThursday" / "novel_text.txt").read_text(encoding="utf-8")
    doc = dedicated(text[:30_000])
    assert doc.is_paratext(text.index("To Edmund Clerihew Bentley"))
    assert doc.is_paratext(text.index("A cloud was on the mind of men"))
    assert doc.is_paratext(text.index("G. K. C."))
    assert not doc.is_paratext(text.index("The suburb of Saffron Park"))


def test_reader_insert_header_with_unfamiliar_labels() -> None:
    """A header block mixes known labels ("Pairing:", "Warnings:") with unfamiliar ones
    ("Requested by:") and reader-insert keys ("Y/N = your name"): all of it is header."""
    doc = structured(STORIES / "reader_insert_header.txt")
    assert_well_formed(doc)
    got = blocks(doc)
    assert got[0] == ("title", "Lanterns on the Quay")
    header = [t for k, t in got[1:7] if k == "other"]
    assert [t.split(":")[0].split(" =")[0] for t in header] == [
        "Requested by", "Pairing", "Y/N", "H/C", "Warnings", "Word Count"
    ]
    assert got[7][0] == "author_note"
    assert doc.text[doc.scenes[0].start :].startswith("You hadn't meant to stay")
    assert not doc.is_paratext(doc.text.index('"Missed it again, Y/N?"') + 1)


def test_script_lines_in_the_story_stay_story() -> None:
    """ "Label: value" lines without a known header label beside them are not header."""
    doc = dedicated("Harry: Where were you?\nRon: Out.\nHarry: Out where?\n\nThey argued until dawn.\n")
    assert doc.paratext == []
