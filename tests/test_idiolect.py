"""How each character talks (attribution/idiolect.py): lines a tag gives someone teach the
words they use; an untagged line is scored against each candidate."""

from __future__ import annotations

from conftest import DATA, require_shared
from ficlens.attribution.idiolect import Idiolect, line_words
from ficlens.evaluation import pdnc


def test_a_line_sounds_like_the_character_who_says_such_things() -> None:
    tagged = [
        ("bertie", "I say, old bean, what a frightful business."),
        ("bertie", "Dashed rummy, what? I say, Jeeves."),
        ("jeeves", "Indeed, sir. If I might make a suggestion, sir."),
        ("jeeves", "Very good, sir. I fancy the situation is not without its difficulties."),
    ]
    model = Idiolect.learn(tagged, [line for _, line in tagged] + ["I say, what a business, sir."])
    line = line_words("I say, old bean, that's rummy.")
    assert model.log_ratio("bertie", line) > 0 > model.log_ratio("jeeves", line)
    polite = line_words("Very good, sir. Indeed.")
    assert model.log_ratio("jeeves", polite) > model.log_ratio("bertie", polite)
    assert model.log_ratio("nobody", line) == 0.0


def test_on_a_pdnc_novel_the_idiolect_tells_two_speakers_apart_more_often_than_chance() -> None:
    """A Passage to India: Aziz and Fielding talk for pages with few tags. Learnt from half
    of each man's gold lines, the other half goes to the right man in most pairs."""
    require_shared()
    novel = pdnc.load_novel("APassageToIndia", DATA / "pdnc")
    lines: dict[str, list[str]] = {"Dr. Aziz": [], "Cyril Fielding": []}
    for q in novel.quotes:
        if q.speaker in lines:
            lines[q.speaker].append(" ".join(novel.text[s:e] for s, e in q.spans))
    assert min(len(v) for v in lines.values()) > 200
    train = [(who, line) for who, ls in lines.items() for line in ls[::2]]
    model = Idiolect.learn(train, [line for ls in lines.values() for line in ls])
    right = total = 0
    for who, ls in lines.items():
        other = next(o for o in lines if o != who)
        for line in ls[1::2]:
            words = line_words(line)
            total += 1
            right += model.log_ratio(who, words) > model.log_ratio(other, words)
    assert right / total > 0.6
