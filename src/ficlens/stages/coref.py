"""The `coref` stage: pronoun and narrator mentions added to the characters.

Resolution itself lives in `ficlens.coreference` (a salience pass over the tokens), so the
speakers stage can query the same timeline. This stage writes the decisions to
`doc.layers["coref"]` (`by_token`, `by_offset`, `timeline`), appends `pronoun` / `narrator`
mentions to each character, and, for third-person stories without a POV signpost, settles the
focal character as the one the narration refers to most.
"""

from __future__ import annotations

from collections import Counter

from ficlens.coreference import resolve
from ficlens.document import Document, Mention
from ficlens.names import FIRST_PERSON
from ficlens.pipeline import Config, stage


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
    if doc.narration.narrator is None and doc.narration.extra.get("focal_method") == "names":
        counts = Counter(cid for _, cid, _ in result.timeline)
        if counts:
            doc.narration.focal_character = counts.most_common(1)[0][0]
            doc.narration.extra["focal_method"] = "mentions"
