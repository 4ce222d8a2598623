"""Emotion scoring from two lexicons that ship inside PyPI packages: NRC (nrclex) and VADER.

Both lexicons are read straight from the installed package files. We never call
`nrclex.NRCLex(text)`, whose raw-text path goes through TextBlob and may try to fetch NLTK
corpora: NRC is looked up by the lemmas the `tokens` stage already made. VADER's analyzer
only reads its own bundled lexicon files. Nothing here touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

NRC_EMOTIONS: tuple[str, ...] = (
    "joy",
    "trust",
    "anticipation",
    "surprise",
    "fear",
    "sadness",
    "anger",
    "disgust",
)
NRC_POLARITY: tuple[str, ...] = ("positive", "negative")


@lru_cache(maxsize=1)
def nrc_lexicon() -> dict[str, frozenset[str]]:
    """word -> NRC categories, from the JSON file bundled in the `nrclex` package."""
    path = resources.files("nrclex.data").joinpath("nrc_en.json")
    with path.open("r", encoding="utf-8") as fh:
        raw: dict[str, list[str]] = json.load(fh)
    return {word.lower(): frozenset(cats) for word, cats in raw.items()}


@lru_cache(maxsize=1)
def vader() -> Any:
    """VADER's analyzer; it loads its lexicon from files inside the package."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def nrc_counts(words: Iterable[str]) -> tuple[dict[str, int], int]:
    """Count NRC categories over lemmas (or lower-cased words); also return the word count."""
    lex = nrc_lexicon()
    counts = dict.fromkeys(NRC_EMOTIONS + NRC_POLARITY, 0)
    n = 0
    for w in words:
        n += 1
        cats = lex.get(w.lower())
        if cats:
            for c in cats:
                if c in counts:
                    counts[c] += 1
    return counts, n


def nrc_profile(words: Iterable[str]) -> dict[str, float]:
    """NRC categories per 100 words, so scenes of different length compare."""
    counts, n = nrc_counts(words)
    if not n:
        return dict.fromkeys(counts, 0.0)
    return {k: round(100.0 * v / n, 2) for k, v in counts.items()}


def compound(sentence: str) -> float:
    """VADER's compound polarity of one sentence, in [-1, 1]."""
    return float(vader().polarity_scores(sentence)["compound"])
