"""Cheap checks on a freshly read story that become warnings, never errors.

The analysis stages are built for English prose; a story in another language is still
analysed, but the user is told why the results will be thin. The check is the share of
very common English function words among the words of a sample of the text: English prose
sits around 40-50 %, other languages written in Latin script well under 10 %.
"""

from __future__ import annotations

import re

from ficlens.document import Document

LONG_STORY_WORDS = 300_000
MIN_ENGLISH_SHARE = 0.15
SAMPLE_CHARS = 40_000
FUNCTION_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "one",
        "or",
        "our",
        "out",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "up",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def english_share(text: str) -> tuple[float, int]:
    """Share of common English function words among the words of a sample, and the sample size."""
    if len(text) > 2 * SAMPLE_CHARS:
        mid = len(text) // 2
        text = text[:SAMPLE_CHARS] + " " + text[mid : mid + SAMPLE_CHARS]
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(w in FUNCTION_WORDS for w in words) / len(words), len(words)


def add_input_warnings(doc: Document) -> None:
    """Warn about stories that are not English or very long; both are still analysed."""
    share, n = english_share(doc.text)
    if n >= 30 and share < MIN_ENGLISH_SHARE:
        doc.warnings.append(
            f"text does not look like English ({share:.0%} common English words); "
            "characters, quotes and speakers may be incomplete"
        )
    words = len(doc.text.split())
    if words > LONG_STORY_WORDS:
        doc.warnings.append(f"long story: {words:,} words")
