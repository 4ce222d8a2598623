"""Who speaks each line of a fan-fiction conversation: the reading rules of the speakers
stage for phone calls, notes, echoes and several speakers in one paragraph, each on a short
invented passage with a known cast (no coref: pronouns are resolved by the stage itself)."""

from __future__ import annotations

from conftest import passage
from ficlens.document import Document
from ficlens.stages.speakers import runs_into, trails_off

CAST = [
    ("milly", "Milly", ["Milly"], "F"),
    ("tobin", "Tobin Hale", ["Tobin"], "M"),
    ("bull", "Dr. Bull", ["Bull", "Dr. Bull"], "M"),
    ("ada", "Ada Brisk", ["Ada"], "F"),
    ("kit", "Kit", ["Kit"], "U"),
]


def read(text: str, narrator: str | None = None) -> Document:
    return passage(text, CAST, narrator, "first" if narrator else None, ranker=False)


def speakers(text: str, narrator: str | None = None) -> list[str | None]:
    return [q.speaker for q in read(text, narrator).quotes]


def test_an_echo_never_quoted_before_is_the_other_ones_words() -> None:
    text = 'Tobin could not look at Milly. "A mistake..." It echoed inside his head.\n'
    doc = read(text)
    assert [q.speaker for q in doc.quotes] == ["milly"]
    assert doc.quotes[0].speech == "thought"


def test_a_card_with_no_verb_of_writing_is_not_its_readers() -> None:
    text = (
        'Milly searched the whole flat for Tobin. He was gone.\n'
        'Milly found a card on the table and slipped it open. "I\'m sorry..." It read.\n'
    )
    doc = read(text)
    assert [q.speaker for q in doc.quotes] == ["tobin"]
    assert doc.quotes[0].speech == "written"


def test_the_owner_of_a_message_wrote_it() -> None:
    text = 'Tobin tapped the table twice. His message to Milly ran, "I have an idea."\n'
    assert speakers(text) == ["tobin"]


def test_words_that_trail_off_are_spoken_not_a_term() -> None:
    assert trails_off("she'd never understand me...")
    assert not trails_off("Rosebud")
    text = 'Tobin scrolled through the names; there was Ada, "she\'d never understand me..."\n'
    doc = read(text)
    assert [(q.speaker, q.speech) for q in doc.quotes] == [("tobin", "spoken")]


def test_a_named_clause_running_into_the_quotation_speaks_it() -> None:
    text = 'Bull came in. He asked sounding worried, Tobin sounded shaky "can you leave a message?"\n'
    assert speakers(text) == ["tobin"]
    text = (
        '"Is anything wrong?" Bull asked. Tobin tried to calm his breathing but still sounded '
        'shaky "can you leave a message for Ada?" He asked.\n'
    )
    assert speakers(text) == ["bull", "tobin"]


def test_a_quotation_after_by_does_not_end_the_sentence_of_its_hearer() -> None:
    doc = read('Milly was drawn up short by "The more the better," from Tobin.\n')
    assert not runs_into(doc.text, doc.quotes[0])
    doc = read('Milly sounded shaky "can you come?"\n')
    assert runs_into(doc.text, doc.quotes[0])


def test_a_verb_of_saying_that_is_denied_tags_nobody() -> None:
    assert speakers('Tobin closed his eyes; "please tell her I love her." Bull did not say a word.\n') == ["tobin"]
    assert speakers('Tobin closed his eyes; "please tell her I love her." Bull never answered.\n') == ["tobin"]


def test_going_on_with_something_else_than_words_tags_nobody() -> None:
    text = '"Tell her," Tobin said. "Tell her I am sorry." Bull continued to listen.\n'
    assert speakers(text) == ["tobin", "tobin"]


def test_a_verb_of_saying_after_not_help_or_ceased_not_still_tags() -> None:
    text = 'Milly sat down. Bull, miserable, could not help saying, "Nay, Milly."\n'
    assert speakers(text) == ["bull"]
    text = 'Tobin left. Ada ceased not to exclaim, "How killing!"\n'
    assert speakers(text) == ["ada"]


def test_continuing_to_someone_is_still_speech() -> None:
    text = 'Milly turned. "Where is he?" she added to Tobin.\n'
    assert speakers(text) == ["milly"]


def test_after_narration_about_the_narrator_the_narrator_speaks() -> None:
    text = (
        '"You are awake," Tobin said.\n\n"Where else would I be?"\n\n"Asleep."\n\n'
        "I do not answer that. I clean the cut, and he does not flinch. Outside a cab rattles past.\n\n"
        '"You will need stitches."\n\n"Then stitch."\n'
    )
    assert speakers(text, narrator="milly") == ["tobin", "milly", "tobin", "milly", "tobin"]


def test_narration_that_ends_on_someone_else_named_does_not_hand_over_to_the_narrator() -> None:
    text = (
        '"Come in," Tobin said.\n\n"Thank you."\n\n'
        "I did so; whereupon I heard a laugh from the bedroom, where Ada was just arising.\n\n"
        '"Is it true that you have won?"\n'
    )
    assert speakers(text, narrator="milly")[-1] != "milly"


def test_the_narrator_does_not_say_a_line_that_calls_her_by_name() -> None:
    text = '"Go," Tobin said.\n\nI reached the door and leant against it. I could not decide.\n\n"I love you, Milly."\n'
    assert speakers(text, narrator="milly")[-1] == "tobin"


def test_a_name_a_screen_shows_is_a_label_not_a_turn() -> None:
    text = (
        '"She is going to call," I thought.\n\n'
        'Then the phone rang in my hand, and the screen said "Ada," and I picked up at once.\n\n'
        '"Hi, Ada."\n'
    )
    doc = read(text, narrator="milly")
    assert [q.speech for q in doc.quotes] == ["thought", "other", "spoken"]
    assert doc.quotes[-1].speaker == "milly"


def test_a_pronoun_no_one_fits_is_the_one_just_called_by_name() -> None:
    text = '"Kit! The towels!" Tobin shouted.\n\n"The towels are fine, Tobin," she called back.\n'
    doc = read(text, narrator="milly")
    assert [(q.speaker, q.extra["type"]) for q in doc.quotes] == [("tobin", "explicit"), ("kit", "anaphoric")]


def test_a_line_said_to_me_is_answered_by_the_narrator() -> None:
    text = (
        '"Kit! The towels!" Tobin shouted.\n\n'
        '"The towels are fine, Tobin," she called back, and then, to me, "How is the book?"\n\n'
        '"Fine."\n'
    )
    assert speakers(text, narrator="milly") == ["tobin", "kit", "kit", "milly"]


def test_nobody_answers_himself_in_one_paragraph() -> None:
    text = (
        'Tobin picked up. "Is anything wrong, sir?" Bull asked. Tobin sounded shaky "can you take a '
        'message?" he asked. There was a silence before he answered "aren\'t you with her?" Tobin sighed.\n'
    )
    assert speakers(text) == ["bull", "tobin", "bull"]


def test_both_halves_of_an_interrupted_answer_keep_one_speaker() -> None:
    text = '"Will you come?" Bull asked.\n\n"I know you will laugh at me," he replied, "but I cannot."\n'
    got = speakers(text)
    assert got[1] == got[2]


def test_the_rest_of_an_interrupted_line_is_spoken_by_the_same_speaker() -> None:
    doc = read('Tobin came in.\n\n"The car," said Tobin, with great dignity, "did not start."\n')
    assert [(q.speaker, q.speech) for q in doc.quotes] == [("tobin", "spoken"), ("tobin", "spoken")]


def test_a_letter_read_aloud_is_written_by_the_one_who_signs_it() -> None:
    text = (
        '"Open it," Tobin said.\n\n'
        "Ada slit the envelope, unfolded the sheet and read it aloud in her best voice.\n\n"
        '"Dearest Ada. It has been some time since you left us."\n\n'
        '"The position remains open, and we would welcome your return."\n\n'
        '"Yours in eternal wrath, Bull. P.S. There would be cake."\n\n'
        '"Cake," Tobin repeated.\n'
    )
    doc = read(text)
    assert [q.speaker for q in doc.quotes] == ["tobin", "bull", "bull", "bull", "tobin"]
    assert [q.speech for q in doc.quotes[1:4]] == ["written"] * 3


def test_a_name_said_to_someone_is_not_a_signature() -> None:
    text = '"Come in," Tobin said.\n\n"Yours is a glorious country, Bull!"\n\n"You know the picture is yours, Tobin."\n'
    assert "bull" not in speakers(text)[1:2] and speakers(text)[2] != "tobin"


def test_a_line_that_quotes_someone_of_the_scene_puts_them_on_the_spot() -> None:
    text = (
        '"Where were you, Tobin?" Ada asked. Bull and Tobin looked at the floor.\n\n'
        '"Hard to say. Time is very relative. Bull says."\n\n'
        '"I never said that!"\n'
    )
    assert speakers(text)[1:] == ["tobin", "bull"]


def test_as_someone_says_is_a_comparison_not_a_charge() -> None:
    text = (
        '"Come, Tobin," Ada said. Bull and Tobin sat down.\n\n'
        '"We should wait, as Bull says."\n\n'
        '"But then what?"\n'
    )
    assert speakers(text)[-1] != "bull"


def test_one_clause_tags_one_line_in_a_paragraph_of_alternating_speakers() -> None:
    text = (
        'Tobin rang and Ada picked up. "Hello? Mr. Hale..." she managed to stammer out; she took a deep breath. '
        '"Ada..." he said calmly, "what can I do for you, sir?" she asked kindly; '
        'again Tobin weighed his options. "Ada, can you do me a favour?"\n'
    )
    assert speakers(text) == ["ada", "tobin", "ada", "tobin"]
