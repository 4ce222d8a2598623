"""The `coref` stage: pronoun and narrator mentions added to the characters.

Resolution itself lives in `ficlens.coreference` (a salience pass over the tokens), so the
speakers stage can query the same timeline. This stage writes the decisions to
`doc.layers["coref"]` (`by_token`, `by_offset`, `timeline`), appends `pronoun` / `narrator`
mentions to each character, and, for third-person stories without a POV signpost, settles the
focal character as the one whose perceptions and thoughts the narration reports most.
"""

from __future__ import annotations

import re
from collections import Counter

from ficlens.coreference import CorefResult, resolve
from ficlens.document import Document, Mention
from ficlens.names import FIRST_PERSON, PERCEPTION_VERBS
from ficlens.pipeline import Config, stage

WORD = re.compile(r"[A-Za-z]+")
# Words that may stand between a subject and its perception verb ("could hear", "did not know").
HEDGES = frozenset({"could", "would", "did", "had", "not", "never", "still", "just", "suddenly"})
PERCEPTION_WEIGHT = 3


@stage("coref", requires=("characters", "narrator", "tokens"), provides=("coref",))
def coref_stage(doc: Document, config: Config) -> None:
    toks = doc.layers.get("tokens")
    if toks is None or not doc.characters:
        doc.layers["coref"] = {"by_token": {}, "by_offset": {}, "timeline": []}
        return
    result = resolve(doc, toks)
    doc.layers["coref"] = result.as_layer()
    by_id = {c.id: c for c in doc.characters}
    narrator = doc.narration.narrator
    for i, cid in result.by_token.items():
        first_person = doc.text[toks.start[i] : toks.end[i]].lower() in FIRST_PERSON
        kind = "narrator" if cid == narrator and first_person else "pronoun"
        by_id[cid].mentions.append(Mention(toks.start[i], toks.end[i], kind))
    all_mentions = sum(len(c.mentions) for c in doc.characters) or 1
    for c in doc.characters:
        c.mentions.sort(key=lambda m: (m.start, m.end))
        share = len(c.mentions) / all_mentions
        if c.extra.get("role") != "major" and share >= 0.15:
            c.extra["role"] = "major"  # pronouns reveal a lead named only a few times
    follows_someone = doc.narration.narrator is None or doc.narration.extra.get("frame_narrator")
    if follows_someone and doc.narration.extra.get("focal_method") == "names":
        counts = focal_scores(doc, result)
        if counts:
            doc.narration.focal_character = counts.most_common(1)[0][0]
            doc.narration.extra["focal_method"] = "perception"


def focal_scores(doc: Document, result: CorefResult) -> Counter[str]:
    """Narration mentions per character, with a mention that is the subject of a perception or
    thought verb ("Maggie could hear", "she wondered") counting PERCEPTION_WEIGHT more: the
    focal character of third-person limited is the one whose seeing and thinking is narrated,
    not merely the one most talked about."""
    text = doc.text
    ends = {m.start: m.end for c in doc.characters for m in c.mentions}
    scores: Counter[str] = Counter()
    for start, cid, _ in result.timeline:
        scores[cid] += 1
        end = ends.get(start, start)
        words = [w.lower() for w in WORD.findall(text, end, end + 40)[:3]]
        able = bool(words) and words[0] == "could"  # "he could make out", "she could feel it"
        while words and (words[0] in HEDGES or words[0].endswith("ly")):
            words.pop(0)
        if able or (words and words[0] in PERCEPTION_VERBS):
            scores[cid] += PERCEPTION_WEIGHT
    return scores
