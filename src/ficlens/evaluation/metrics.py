"""Metric helpers shared by the LitBank and seed evaluations: span matching, character
matching by aliases, and clustering scores. Pure functions over plain tuples and dicts.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Span = tuple[int, int]


def ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def prf(tp: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from true positives and the two totals."""
    p = ratio(tp, n_sys)
    r = ratio(tp, n_gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm_name(s: str) -> str:
    """Compare names case- and apostrophe-insensitively, with spaces collapsed."""
    s = unicodedata.normalize("NFKC", s).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", s).strip().lower()


def match_spans(gold: list[Span], system: list[Span], min_share: float = 0.5) -> dict[int, int]:
    """One-to-one gold index -> system index: the unused system span overlapping a gold span
    most, if it covers at least `min_share` of the gold span (the outside scorer's rule)."""
    order = sorted(range(len(system)), key=lambda i: system[i])
    starts = [system[i][0] for i in order]
    max_len = max((e - s for s, e in system), default=0)
    used: set[int] = set()
    out: dict[int, int] = {}
    for gi, (gs, ge) in enumerate(gold):
        best, best_ov = -1, 0
        k = bisect_left(starts, gs - max_len)
        while k < len(order) and starts[k] < ge:
            si = order[k]
            ov = min(ge, system[si][1]) - max(gs, system[si][0])
            if si not in used and ov > best_ov:
                best, best_ov = si, ov
            k += 1
        if best >= 0 and best_ov >= min_share * max(1, ge - gs):
            out[gi] = best
            used.add(best)
    return out


def match_mentions(gold: list[Span], system: list[Span]) -> dict[int, int]:
    """One-to-one gold index -> system index for mentions.

    A system mention matches a gold one with the same span, or lying inside it and ending
    where it ends (`Aunt Polly` for gold `Tom's Aunt Polly`: same head). Exact matches win.
    """
    by_end: dict[int, list[int]] = defaultdict(list)
    exact: dict[Span, list[int]] = defaultdict(list)
    for gi, span in enumerate(gold):
        by_end[span[1]].append(gi)
        exact[span].append(gi)
    out: dict[int, int] = {}
    rest = []
    for si, span in enumerate(system):
        cands = [g for g in exact.get(span, ()) if g not in out]
        if cands:
            out[cands[0]] = si
        else:
            rest.append(si)
    for si in rest:
        s, e = system[si]
        cands = [g for g in by_end.get(e, ()) if g not in out and gold[g][0] <= s]
        if cands:
            out[max(cands, key=lambda g: gold[g][0])] = si
    return out


def map_characters(
    gold: dict[str, set[str]], system: Iterable[tuple[str, list[str]]]
) -> dict[str, str | None]:
    """System character id -> the gold id sharing most of its names (its main name counts twice)."""
    alias_to_gold: dict[str, set[str]] = defaultdict(set)
    for gid, names in gold.items():
        for a in names:
            if a:
                alias_to_gold[norm_name(a)].add(gid)
    out: dict[str, str | None] = {}
    for sid, names in system:
        votes: Counter[str] = Counter()
        for i, a in enumerate(dict.fromkeys(names)):
            for gid in alias_to_gold.get(norm_name(a), ()):
                votes[gid] += 2 if i == 0 else 1
        out[sid] = max(sorted(votes), key=lambda g: votes[g]) if votes else None
    return out


@dataclass
class ClusterAccuracy:
    correct: dict[Hashable, bool] = field(default_factory=dict)
    """Per mention: does its system cluster map to its gold entity?"""


def cluster_accuracy(
    gold: dict[Hashable, Hashable], system: dict[Hashable, Hashable]
) -> ClusterAccuracy:
    """Map each system cluster to the gold entity most of its mentions belong to; a mention
    is right when its cluster maps to its own gold entity. Over mentions in both dicts."""
    members: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    for m, s in system.items():
        if m in gold:
            members[s][gold[m]] += 1
    majority = {s: max(sorted(c, key=str), key=lambda g: c[g]) for s, c in members.items()}
    return ClusterAccuracy({m: majority[s] == gold[m] for m, s in system.items() if m in gold})


def b_cubed(gold: dict[Hashable, Hashable], system: dict[Hashable, Hashable]) -> tuple[float, float]:
    """B-cubed precision and recall over the mentions present in both clusterings."""
    common = [m for m in system if m in gold]
    if not common:
        return 0.0, 0.0
    g_size: Counter[Hashable] = Counter(gold[m] for m in common)
    s_size: Counter[Hashable] = Counter(system[m] for m in common)
    both: Counter[tuple[Hashable, Hashable]] = Counter((gold[m], system[m]) for m in common)
    p = sum(both[gold[m], system[m]] / s_size[system[m]] for m in common) / len(common)
    r = sum(both[gold[m], system[m]] / g_size[gold[m]] for m in common) / len(common)
    return p, r


def muc(gold: dict[Hashable, Hashable], system: dict[Hashable, Hashable]) -> tuple[float, float]:
    """MUC link-based precision and recall over the mentions present in both clusterings."""
    common = [m for m in system if m in gold]

    def score(key: dict[Hashable, Hashable], resp: dict[Hashable, Hashable]) -> float:
        clusters: dict[Hashable, list[Hashable]] = defaultdict(list)
        for m in common:
            clusters[key[m]].append(m)
        num = den = 0
        for ms in clusters.values():
            num += len(ms) - len({resp[m] for m in ms})
            den += len(ms) - 1
        return ratio(num, den)

    return score(system, gold), score(gold, system)
