"""Scoring ficlens' characters against PDNC character lists and LitBank coreference.

- `evaluate_pdnc_characters(novels=None)`: per PDNC novel, runs the pipeline up to the narrator
  and compares the character inventory with `character_info.csv`: recall of the main
  (major + intermediate) characters and of all of them, precision (share of system characters
  that are a gold character), pairwise F1 of alias clustering (the seed scorer's metric: pairs of
  gold alias strings put in the same / different characters), and gender accuracy.
- `evaluate_litbank_coref(limit=None)`: per LitBank excerpt, runs the pipeline through coref and
  scores name mentions (recall, pairwise same-character F1) and pronoun mentions of people
  (coverage, and accuracy of the character they were resolved to).

System characters are mapped to gold ones by alias votes, as `../shared/tools/score.py` does.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ficlens.document import Document, Source
from ficlens.evaluation.metrics import map_characters, norm_name
from ficlens.pipeline import Config, Pipeline

CHARACTER_STAGES = ("structure", "quotes", "tokens", "narration", "characters", "narrator")
COREF_STAGES = (*CHARACTER_STAGES, "coref")


def map_to_gold(
    gold: dict[str, set[str]], system: list[tuple[str, list[str]]]
) -> dict[str, str | None]:
    """System character id -> gold id by alias votes (the name counts double)."""
    return map_characters(gold, system)


def alias_pair_f1(gold: dict[str, set[str]], system: list[tuple[str, list[str]]]) -> float:
    """Pairwise F1 over the gold alias strings the system assigns to some character."""
    g_of: dict[str, str] = {}
    for gid, aliases in gold.items():
        for a in aliases:
            g_of.setdefault(norm_name(a), gid)
    s_of: dict[str, str] = {}
    for cid, names in system:
        for a in names:
            if norm_name(a) in g_of:
                s_of.setdefault(norm_name(a), cid)
    keys = sorted(s_of)
    tp = fp = fn = 0
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            same_s = s_of[keys[i]] == s_of[keys[j]]
            same_g = g_of[keys[i]] == g_of[keys[j]]
            tp += same_s and same_g
            fp += same_s and not same_g
            fn += same_g and not same_s
    if not keys:
        return 0.0
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def score_characters(
    gold_cast: list[tuple[str, list[str], str, str]], doc: Document
) -> dict[str, Any]:
    """Compare `doc.characters` with a gold cast of (name, aliases, gender, category)."""
    gold = {name: {name, *aliases} for name, aliases, _, _ in gold_cast}
    system = [(c.id, [c.name, *c.aliases]) for c in doc.characters]
    mapping = map_to_gold(gold, system)
    found = {g for g in mapping.values() if g}
    main = [name for name, _, _, cat in gold_cast if cat in ("major", "intermediate")]
    gender_of = {name: g for name, _, g, _ in gold_cast}
    judged = correct = 0
    for c in doc.characters:
        gid = mapping.get(c.id)
        if gid and gender_of.get(gid) in ("M", "F"):
            judged += 1
            correct += c.gender == gender_of[gid]
    return {
        "gold_characters": len(gold_cast),
        "system_characters": len(doc.characters),
        "main_recall": sum(g in found for g in main) / len(main) if main else 1.0,
        "recall": len(found) / len(gold_cast) if gold_cast else 1.0,
        "precision": (
            sum(1 for c in doc.characters if mapping.get(c.id)) / len(doc.characters)
            if doc.characters
            else 0.0
        ),
        "alias_pair_f1": alias_pair_f1(gold, system),
        "gender_accuracy": correct / judged if judged else 0.0,
        "gender_judged": judged,
    }


def _mean(rows: list[dict[str, Any]], key: str) -> float:
    vals = [r[key] for r in rows if isinstance(r.get(key), int | float)]
    return round(sum(vals) / len(vals), 4) if vals else 0.0


def evaluate_pdnc_characters(
    novels: list[str] | None = None, root: Path | str | None = None
) -> dict[str, Any]:
    """Character recall, alias clustering F1 and gender accuracy on PDNC novels (see module)."""
    from ficlens.evaluation.pdnc import PDNC_DIR, load_novel, novel_names

    base = Path(root) if root else PDNC_DIR
    names = novels or novel_names(base)
    pipeline = Pipeline(stages=CHARACTER_STAGES)
    per: dict[str, dict[str, Any]] = {}
    for name in names:
        novel = load_novel(name, base)
        doc = Document(text=novel.text, source=Source(path=name, format="txt", sha256=""))
        t0 = time.perf_counter()
        pipeline(doc)
        seconds = time.perf_counter() - t0
        categories = category_of(base / "data" / name / "character_info.csv")
        cast = [(n, a, g, categories.get(n, "minor")) for n, a, g in novel.cast]
        row = score_characters(cast, doc)
        row["seconds"] = round(seconds, 2)
        row["words"] = len(novel.text.split())
        per[name] = row
    rows = list(per.values())
    keys = ("main_recall", "recall", "precision", "alias_pair_f1", "gender_accuracy")
    return {"novels": per, "overall": {k: _mean(rows, k) for k in keys}}


def category_of(path: Path) -> dict[str, str]:
    import csv

    with path.open(encoding="utf-8") as fh:
        return {
            row["Main Name"].strip(): (row.get("Category") or "minor").strip()
            for row in csv.DictReader(fh)
        }


def score_coref(gold_doc: Any, doc: Document) -> dict[str, Any]:
    """Name and pronoun mentions of people in `doc` against one LitBank excerpt's gold."""
    gold_names = [m for m in gold_doc.mentions if m.category == "PER" and m.kind == "PROP"]
    gold_prons = [m for m in gold_doc.mentions if m.category == "PER" and m.kind == "PRON"]
    sys_at: dict[int, tuple[str, str]] = {}
    for c in doc.characters:
        for m in c.mentions:
            sys_at[m.start] = (c.id, m.kind)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    matched = []
    for g in gold_names:
        hit = sys_at.get(g.start)
        if hit and hit[1] == "name" and g.entity:
            votes[hit[0]][g.entity] += 1
            matched.append((g.entity, hit[0]))
    to_gold = {cid: v.most_common(1)[0][0] for cid, v in votes.items()}
    # a character never named (an unnamed narrator) maps by its resolved pronouns instead
    fallback: dict[str, Counter[str]] = defaultdict(Counter)
    for g in gold_prons:
        hit = sys_at.get(g.start)
        if hit and hit[0] not in to_gold and g.entity:
            fallback[hit[0]][g.entity] += 1
    to_gold.update({cid: v.most_common(1)[0][0] for cid, v in fallback.items()})
    tp = fp = fn = 0
    for i in range(len(matched)):
        for j in range(i + 1, len(matched)):
            same_g = matched[i][0] == matched[j][0]
            same_s = matched[i][1] == matched[j][1]
            tp += same_g and same_s
            fp += same_s and not same_g
            fn += same_g and not same_s
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    resolved = correct = 0
    for g in gold_prons:
        hit = sys_at.get(g.start)
        if hit and hit[1] in ("pronoun", "narrator"):
            resolved += 1
            correct += to_gold.get(hit[0]) == g.entity
    return {
        "name_mentions": len(gold_names),
        "name_recall": len(matched) / len(gold_names) if gold_names else 1.0,
        "name_pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "pronouns": len(gold_prons),
        "pronoun_coverage": resolved / len(gold_prons) if gold_prons else 1.0,
        "pronoun_accuracy": correct / resolved if resolved else 0.0,
    }


def evaluate_litbank_coref(limit: int | None = None, root: Path | str | None = None) -> dict[str, Any]:
    """Name clustering and pronoun resolution on LitBank excerpts (see module docstring)."""
    from ficlens.evaluation.litbank import doc_names, load_doc

    base = Path(root) if root else None
    names = doc_names(base)
    if limit:
        names = names[:limit]
    pipeline = Pipeline(stages=COREF_STAGES, config=Config())
    per: dict[str, dict[str, Any]] = {}
    for name in names:
        gold_doc = load_doc(name, base)
        if not gold_doc.mentions:
            continue
        doc = Document(text=gold_doc.text, source=Source(path=name, format="txt", sha256=""))
        pipeline(doc)
        per[name] = score_coref(gold_doc, doc)
    rows = list(per.values())
    keys = ("name_recall", "name_pair_f1", "pronoun_coverage", "pronoun_accuracy")
    return {"documents": per, "overall": {k: _mean(rows, k) for k in keys}}
