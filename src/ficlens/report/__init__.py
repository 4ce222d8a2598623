"""HTML story and corpus reports (one self-contained offline file each) and the terminal summary."""

from __future__ import annotations

from pathlib import Path

from ficlens.document import Document


def story_html(doc: Document) -> str:
    """The story report of an analysed document, as one HTML page."""
    from ficlens.report.data import story_payload
    from ficlens.report.html import render

    data = story_payload(doc)
    return render("story", f"{data['meta']['title']} \u2014 ficlens report", data)


def corpus_html(out: Path, report_path: Path | None = None) -> str:
    """The corpus report of a `ficlens batch` output folder, as one HTML page."""
    from ficlens.report.corpus import corpus_payload
    from ficlens.report.html import render

    return render("corpus", "ficlens corpus report", corpus_payload(out, report_path))
