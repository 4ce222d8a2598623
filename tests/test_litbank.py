"""LitBank loaders (real files in ../shared/data/litbank, read in place) and the metric helpers."""

from __future__ import annotations

from functools import cache

import pytest

from conftest import DATA, require_shared
from ficlens.document import Character, Document, Mention, Quote, Source
from ficlens.evaluation import litbank, metrics

LITBANK = DATA / "litbank"


@cache
def all_docs() -> dict[str, litbank.LitbankDoc]:
    require_shared()
    return {name: litbank.load_doc(name, LITBANK) for name in litbank.doc_names(LITBANK)}


def squash(s: str) -> str:
    return "".join(s.split())


def rows(path, kind: str) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(kind + "\t")]


def test_every_excerpt_is_listed_and_aligned_to_its_original() -> None:
    docs = all_docs()
    assert len(docs) == len(list((LITBANK / "quotations" / "tsv").glob("*.ann")))
    for name, doc in docs.items():
        assert doc.aligned >= 0.97, name
        assert "\n\n" in doc.text, f"{name}: no paragraph recovered"
        assert " ," not in doc.text and "do n't" not in doc.text.lower(), name


def test_quote_rows_are_counted_and_spans_hold_their_tokens_without_marks() -> None:
    for name, doc in all_docs().items():
        path = LITBANK / "quotations" / "tsv" / f"{name}.ann"
        quote_rows = rows(path, "QUOTE")
        assert len(doc.quotes) == len(quote_rows), name
        attrib = {r[1]: r[2] for r in rows(path, "ATTRIB")}
        for q, row in zip(doc.quotes, quote_rows, strict=True):
            inner = row[6].split(" ")
            while inner and inner[0] in litbank.QUOTE_MARKS:
                inner.pop(0)
            while inner and inner[-1] in litbank.QUOTE_MARKS:
                inner.pop()
            assert squash(doc.text[q.start : q.end]) == "".join(inner), (name, row[1])
            assert q.speaker == attrib.get(row[1])


def test_coref_mentions_cover_exactly_the_annotated_words() -> None:
    n_checked = 0
    for name, doc in all_docs().items():
        path = LITBANK / "coref" / "tsv" / f"{name}.ann"
        mention_rows = rows(path, "MENTION")
        entity_of = {r[1]: r[2] for r in rows(path, "COREF")}
        assert len(doc.mentions) == len(mention_rows)
        for m, row in zip(doc.mentions, mention_rows, strict=True):
            assert squash(doc.text[m.start : m.end]) == squash(row[6]), (name, row[1])
            assert (m.category, m.kind, m.entity) == (row[7], row[8], entity_of.get(row[1]))
            n_checked += 1
    assert n_checked > 20_000


def test_brat_entities_map_from_characters_of_the_tokenised_text() -> None:
    exact = total = 0
    for name in list(all_docs())[:10]:
        doc = all_docs()[name]
        tokenised = (LITBANK / "entities" / "brat" / f"{name}.txt").read_text(encoding="utf-8")
        spans = litbank.parse_brat_entities(LITBANK / "entities" / "brat" / f"{name}.ann")
        assert len(doc.entities) == len(spans)
        for e, (bs, be, label) in zip(doc.entities, spans, strict=True):
            # a few brat spans end inside a token; the span then covers the whole token
            whole = squash(doc.text[e.start : e.end])
            assert whole.startswith(squash(tokenised[bs:be])), (name, bs, be)
            exact += whole == squash(tokenised[bs:be])
            assert e.category == label
            total += 1
    assert exact >= 0.99 * total


def test_gold_cast_names_are_proper_name_mentions_of_person_entities() -> None:
    doc = next(d for d in all_docs().values() if len(d.quotes) > 20)
    cast = doc.cast()
    assert cast
    proper = {doc.text[m.start : m.end] for m in doc.mentions if m.category == "PER" and m.kind == "PROP"}
    for name, aliases in cast:
        assert name in proper and set(aliases) <= proper
    speakers = {q.speaker for q in doc.quotes}
    assert speakers & set(doc.characters())


def test_heuristic_separators_detokenise_without_the_original() -> None:
    sents = [["“", "I", "do", "n't", "know", ",", "”", "she", "said", "."]]
    text, offsets, aligned = litbank.rebuild(sents, None)
    assert aligned == 0.0
    assert text == "“I don't know,” she said."
    assert text[offsets[0][3][0] : offsets[0][3][1]] == "n't"


def test_strip_marks_crosses_sentence_ends() -> None:
    sents = [["He", "said", ",", "“"], ["Go", "home", "."], ["”"]]
    assert litbank.strip_marks(sents, 0, 3, 2, 0) == (1, 0, 1, 2)


# ---- metrics on hand-made inputs -----------------------------------------------------


def test_match_spans_needs_half_the_gold_and_is_one_to_one() -> None:
    gold = [(0, 10), (20, 30), (40, 50)]
    system = [(0, 10), (22, 26), (40, 46), (41, 49)]
    assert metrics.match_spans(gold, system) == {0: 0, 2: 3}


def test_match_mentions_prefers_exact_then_same_end() -> None:
    gold = [(0, 14), (6, 14), (20, 23)]  # "Aunt of Polly", "Polly"-like nesting
    system = [(6, 14), (9, 14), (20, 22)]
    assert metrics.match_mentions(gold, system) == {1: 0, 0: 1}


def test_map_characters_votes_by_shared_names() -> None:
    gold = {"a": {"Ann Lee", "Ann"}, "b": {"Bo", "Mr. Bo"}}
    system = [("s1", ["ann", "Annie"]), ("s2", ["Mr Bo", "Bo", "Mr. Bo"]), ("s3", ["Zed"])]
    assert metrics.map_characters(gold, system) == {"s1": "a", "s2": "b", "s3": None}


def test_cluster_scores_on_a_small_clustering() -> None:
    gold = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B"}
    system = {1: "x", 2: "x", 3: "y", 4: "y", 5: "y", 6: "z"}
    acc = metrics.cluster_accuracy(gold, system)
    assert acc.correct == {1: True, 2: True, 3: False, 4: True, 5: True}
    p, r = metrics.b_cubed(gold, system)
    assert p == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    mp, mr = metrics.muc(gold, system)
    assert (mp, mr) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert metrics.prf(2, 4, 8) == (0.5, 0.25, pytest.approx(1 / 3))


def test_score_doc_counts_quotes_speakers_and_coreference() -> None:
    text = 'Nell waved. "Come in," Nell said. "Thanks," Omar said. She smiled at him.\n'
    gold = litbank.LitbankDoc(name="handmade", text=text, aligned=1.0)

    def at(s: str, nth: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(nth + 1):
            i = text.index(s, i + 1)
        return i, i + len(s)

    for span, who in ((at("Come in,"), "NELL-1"), (at("Thanks,"), "OMAR-2")):
        gold.quotes.append(litbank.GoldQuote(*span, who))
    for s, nth, kind, ent in (("Nell", 0, "PROP", "NELL-1"), ("Nell", 1, "PROP", "NELL-1"),
                              ("Omar", 0, "PROP", "OMAR-2"), ("She", 0, "PRON", "NELL-1"),
                              ("him", 0, "PRON", "OMAR-2")):
        gold.mentions.append(litbank.GoldMention(*at(s, nth), "PER", kind, ent))
    sdoc = Document(text=text, source=Source("handmade", "txt", ""))
    sdoc.characters = [
        Character("c1", "Nell", mentions=[Mention(*at("Nell"), "name"), Mention(*at("Nell", 1), "name"),
                                            Mention(*at("She"), "pronoun"), Mention(*at("him"), "pronoun")]),
        Character("c2", "Omar", mentions=[Mention(*at("Omar"), "name")]),
    ]
    sdoc.quotes = [Quote(*at("Come in,"), speaker="c1"), Quote(*at("Thanks,"), speaker="c1"),
                   Quote(*at("waved"), speech="other")]
    row = litbank.score_doc(gold, sdoc)
    rates = litbank.rates(row)
    assert (row["gold_quotes"], row["sys_quotes"], row["matched_quotes"]) == (2, 2, 2)
    assert row["speaker_correct"] == 1 and rates["speaker_accuracy"] == 0.5
    assert rates["name_f1"] == 1.0
    assert row["matched_mentions"] == 5 and row["coref_correct"] == 4 and row["coref_pure"] == 4
    assert rates["coref_accuracy_PRON"] == 0.5


def test_coref_accuracy_is_anchored_on_names_purity_is_not() -> None:
    text = "Ann met Bo. He laughed and she sighed; he left.\n"
    gold = litbank.LitbankDoc(name="handmade", text=text, aligned=1.0)
    spans = {"Ann": (0, 3), "Bo": (8, 10), "He": (12, 14), "she": (27, 30), "he": (39, 41)}
    for w, ent, kind in (("Ann", "A", "PROP"), ("Bo", "B", "PROP"), ("He", "B", "PRON"),
                         ("she", "A", "PRON"), ("he", "B", "PRON")):
        assert text[slice(*spans[w])] == w
        gold.mentions.append(litbank.GoldMention(*spans[w], "PER", kind, ent))
    sdoc = Document(text=text, source=Source("handmade", "txt", ""))
    # the system puts both "he" with Ann and "she" with Bo: named anchors say 2 of 5 right
    sdoc.characters = [
        Character("s1", "Ann", mentions=[Mention(*spans["Ann"]), Mention(*spans["He"], "pronoun"),
                                         Mention(*spans["he"], "pronoun")]),
        Character("s2", "Bo", mentions=[Mention(*spans["Bo"]), Mention(*spans["she"], "pronoun")]),
    ]
    row = litbank.score_doc(gold, sdoc)
    assert row["coref_correct"] == 2
    # purity maps s1 to B (its two pronouns outvote the name) and s2, a tie, to A: 3 of 5
    assert row["coref_pure"] == 3

