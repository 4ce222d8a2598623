"""Coref: narration pronouns resolved to characters by gender and salience, fast."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

from conftest import SEEDS, analyze, require_shared
from ficlens.api import analyze_text
from ficlens.coreference import antecedent_before, resolve
from ficlens.document import Document, Source
from ficlens.pipeline import Config, Pipeline

STORIES = Path(__file__).parent / "stories_characters"
TWO_PEOPLE = (
    "Hugo Brandt opened the shop at seven. He swept the floor and counted the till.\n\n"
    "Clara arrived at nine with the post. She dropped it on the counter and smiled at him. "
    "Hugo thanked her, and she left. He read the letters alone."
)


def pronoun_targets(doc: Document) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in doc.characters:
        for m in c.mentions:
            if m.kind == "pronoun":
                out.setdefault(doc.text[m.start : m.end].lower(), set()).add(c.name)
    return out


def test_pronouns_follow_gender() -> None:
    doc = analyze_text(TWO_PEOPLE)
    targets = pronoun_targets(doc)
    assert targets["he"] == {"Hugo Brandt"}
    assert targets["she"] == {"Clara"}
    assert targets["her"] == {"Clara"} and targets["him"] == {"Hugo Brandt"}


def test_coref_layer_and_antecedent_query() -> None:
    doc = analyze_text(TWO_PEOPLE)
    layer = doc.layers["coref"]
    hugo = next(c.id for c in doc.characters if c.name == "Hugo Brandt")
    first_he = doc.text.index(" He ") + 1
    assert layer["by_offset"][first_he] == hugo
    end = len(doc.text)
    assert antecedent_before(doc, end, "F") == next(c.id for c in doc.characters if c.name == "Clara")
    assert antecedent_before(doc, end, "M") == hugo


def test_mentions_sorted_and_counted() -> None:
    result = analyze(STORIES / "colleagues.txt")
    for c in result["characters"]:
        assert [tuple(m) for m in c["mentions"]] == sorted(tuple(m) for m in c["mentions"])
        assert c["mention_count"] == len(c["mentions"])


def test_first_person_mentions_go_to_the_narrator() -> None:
    result = analyze(STORIES / "narrator_dialogue.txt")
    narrator = next(c for c in result["characters"] if c["id"] == result["narration"]["narrator"])
    words = {result["text"][s:e] for s, e in narrator["mentions"]}
    assert {"I", "my"} <= words
    julien = next(c for c in result["characters"] if c["name"] == "Julien")
    assert "I" not in {result["text"][s:e] for s, e in julien["mentions"]}


def test_a_hard_wrapped_line_is_not_a_paragraph() -> None:
    """With everything forgotten at a paragraph break, "she" on the second line of a
    hard-wrapped paragraph still finds Anne, named on its first line; past the blank line
    only the story's dominant woman is left."""
    paras = [
        "Diana Barry lived on the next farm. Diana rode over on Sundays, and Diana always "
        "brought a basket of apples for the kitchen.",
        "That evening Anne Shirley walked slowly home along the muddy lane past the mill, "
        "and then she stopped at the gate.",
    ]
    text = "\n\n".join(textwrap.fill(p, 60) for p in paras) + "\n"
    doc = analyze_text(text)
    assert doc.layers["paragraph_layout"] == "block"
    names = {c.id: c.name for c in doc.characters}
    forgetful = resolve(doc, doc.layers["tokens"], sentence_decay=1.0, paragraph_decay=0.0)
    assert names[forgetful.by_offset[text.index("she stopped")]] == "Anne Shirley"


def test_quoted_pronouns_are_left_to_speakers() -> None:
    doc = analyze_text('Anna looked at Paul. "I think he knows," she said.')
    he = doc.text.index("he knows")
    assert he not in doc.layers["coref"]["by_offset"]


def test_seed_leads_have_pronoun_mentions() -> None:
    require_shared()
    for seed in SEEDS:
        result = analyze(seed)
        lead = max(result["characters"], key=lambda c: c["mention_count"])
        assert lead["mention_count"] > 50, seed.stem


def test_characters_and_coref_are_linear() -> None:
    """200,000 words without spaCy: the character stages must take seconds, not minutes."""
    doc = Document(text="\n\n".join([TWO_PEOPLE] * 4000), source=Source("x", "txt", ""))
    pipeline = Pipeline(
        stages=("structure", "quotes", "characters", "narrator", "coref", "relationships"),
        config=Config(use_spacy=False),
    )
    t0 = time.perf_counter()
    pipeline(doc)
    assert time.perf_counter() - t0 < 30
    assert sum(len(c.mentions) for c in doc.characters) > 30_000
