"""Readers on real files: encodings, AO3 HTML/EPUB, FanFicFare TXT/HTML/EPUB, the examples.

Expected values come from an independent source read at test time (the EPUB's OPF and
NCX, FanFicFare's .meta.json, the raw markup through lxml), never pasted from the files.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import ftfy.bad_codecs  # noqa: F401 - registers the sloppy-windows-1252 codec used below
import pytest
from lxml import etree, html

from conftest import EXAMPLES, SAMPLES, SEEDS, analyze, require_shared
from ficlens.readers import read_bytes, read_path
from ficlens.readers.language import english_share

AO3_HTML = SAMPLES / "ao3_download_synthetic.html"
AO3_EPUB = SAMPLES / "ao3_download_synthetic_calibre.epub"
FFF_TXT = SAMPLES / "fff_4.62_test1_story.txt"
FFF_HTML = SAMPLES / "fff_4.62_test1_story.html"
FFF_EPUB = SAMPLES / "fff_4.62_test1_story.epub"
FFF_META = SAMPLES / "fff_4.62_test1_story.meta.json"
FFN_TXT = SAMPLES / "ffn_style_paratext_synthetic.txt"
EXAMPLE_HTML = sorted(EXAMPLES.glob("*.html"))
EXAMPLE_EPUB = sorted(EXAMPLES.glob("*.epub"))

SENTENCE = "“Don’t,” she said — «naïve» café owners’ ‘luck’ isn’t everything.\n"


def norm(s: str) -> str:
    return " ".join(s.split())


def kinds_at(result: dict[str, Any], start: int, end: int) -> set[str]:
    """Paratext kinds overlapping [start, end)."""
    return {p["kind"] for p in result["paratext"] if p["start"] < end and start < p["end"]}


def paratext_texts(result: dict[str, Any], kind: str) -> list[str]:
    return [result["text"][p["start"] : p["end"]] for p in result["paratext"] if p["kind"] == kind]


def story_start_after(result: dict[str, Any], pos: int) -> int:
    """Offset of the first non-space story character at or after `pos`."""
    text = result["text"]
    blocks = sorted((p["start"], p["end"]) for p in result["paratext"])
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        inside = [e for s, e in blocks if s <= pos < e]
        if not inside:
            return pos
        pos = max(inside)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"],
)
def test_unicode_encodings_decode_to_the_same_text(encoding: str) -> None:
    data = (SENTENCE * 3).encode(encoding)
    body = SENTENCE * 3
    assert read_bytes(data, "story.txt").text == body


def test_utf16_boms_are_not_part_of_the_text() -> None:
    body = SENTENCE * 2
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        doc = read_bytes(bom + body.encode(enc), "story.txt")
        assert doc.text == body


def test_cp1252_curly_quotes_decode() -> None:
    body = "“Hello,” he said. It’s only a café — nothing more…\n" * 5
    doc = read_bytes(body.encode("cp1252"), "story.txt")
    assert doc.text == body
    assert any("cp1252" in w for w in doc.warnings)


def test_latin1_prefers_cp1252_only_where_they_agree() -> None:
    body = "Das Café an der Ecke öffnet früh; Zoë bestellt Crème brûlée. " * 20
    assert read_bytes(body.encode("latin-1"), "story.txt").text == body


def test_crlf_and_lone_cr_become_lf() -> None:
    doc = read_bytes(b"One line.\r\nTwo line.\rThree line.\r\n\r\nFour.", "story.txt")
    assert doc.text == "One line.\nTwo line.\nThree line.\n\nFour."


def test_mojibake_is_repaired_but_quotes_stay_curly() -> None:
    clean = "“I’m fine,” Ana said — and she was, mostly. The café was warm.\n"
    mojibake = clean.encode("utf-8").decode("sloppy-windows-1252")
    assert mojibake != clean
    doc = read_bytes(mojibake.encode("utf-8"), "story.txt")
    assert doc.text == clean
    assert any("mojibake" in w for w in doc.warnings)


def test_clean_utf8_is_left_exactly_as_written() -> None:
    body = 'He wrote &amp; crossed it out. ﬁne, ＦＵＬＬ width, "straight" and “curly”.\n'
    doc = read_bytes(body.encode("utf-8"), "story.txt")
    assert doc.text == body
    assert doc.warnings == []


def test_seeds_and_plain_samples_are_byte_identical() -> None:
    require_shared()
    for path in [*SEEDS, FFN_TXT, FFF_TXT]:
        raw = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert read_path(str(path)).text == raw, path.name


def test_english_check_separates_languages() -> None:
    english = "She looked at him and said that they would have to go back to the house before it was dark."
    german = "Sie sah ihn an und sagte, dass sie vor der Dunkelheit zum Haus zurückkehren müssten."
    assert english_share(english)[0] > 0.3
    assert english_share(german)[0] < 0.1


def test_non_english_story_warns_but_reads() -> None:
    body = (
        "La lluvia caía sobre el puerto cuando Marta llegó a la estación. "
        "«No pienso esperar otra hora», dijo ella, y su hermano se rió desde el banco. "
    ) * 10
    doc = read_bytes(body.encode("utf-8"), "cuento.txt")
    assert doc.text == body
    assert any(w.startswith("text does not look like English") for w in doc.warnings)


def test_english_seed_gets_no_language_warning() -> None:
    require_shared()
    for seed in SEEDS:
        assert not any("English" in w for w in read_path(str(seed)).warnings)


def test_long_story_warning() -> None:
    body = ("The tide went out and the boats settled on the mud of the harbour. " * 22_000).encode()
    doc = read_bytes(body, "epic.txt")
    assert any(w.startswith("long story:") for w in doc.warnings)


# ---------------------------------------------------------------- AO3


def ao3_content_paragraphs(path: Path) -> list[list[str]]:
    """Story paragraphs of each chapter, from the raw AO3 HTML via lxml (independent of the reader)."""
    root = html.parse(str(path)).getroot()
    chapters = root.get_element_by_id("chapters")
    out = []
    for div in chapters.xpath("./div[contains(concat(' ', @class, ' '), ' userstuff ')]"):
        out.append([norm(p.text_content()) for p in div.xpath(".//p") if norm(p.text_content())])
    return out


def epub_member(path: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(suffix))
        return zf.read(name)


def opf_values(path: Path, tag: str) -> list[str]:
    root = etree.fromstring(epub_member(path, ".opf"))
    return [norm(e.text or "") for e in root.iter(f"{{http://purl.org/dc/elements/1.1/}}{tag}")]


def ncx_chapter_titles(path: Path) -> list[str]:
    root = etree.fromstring(epub_member(path, ".ncx"))
    labels = [norm(t.text or "") for t in root.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    return [t for t in labels[1:] if t not in ("Preface", "Afterword")]


@pytest.mark.parametrize("path", [AO3_HTML, AO3_EPUB], ids=["html", "epub"])
def test_ao3_metadata_matches_the_opf(path: Path) -> None:
    require_shared()
    result = analyze(path)
    meta = result["metadata"]
    assert result["source"]["format"] == path.suffix[1:]
    assert meta["title"] == opf_values(AO3_EPUB, "title")[0]
    assert meta["authors"] == opf_values(AO3_EPUB, "creator")
    subjects = set(opf_values(AO3_EPUB, "subject"))
    for key in ("fandoms", "categories", "relationships", "characters", "tags"):
        assert meta[key], key
        assert set(meta[key]) <= subjects, key
    assert meta["rating"] in subjects
    assert meta["language"] == "English"
    opf = etree.fromstring(epub_member(AO3_EPUB, ".opf"))
    calibre = {m.get("name"): m.get("content") for m in opf.iter("{*}meta")}
    assert meta["series"] == [
        {"title": calibre["calibre:series"], "part": int(float(calibre["calibre:series_index"]))}
    ]
    summary = html.fragment_fromstring(opf_values(AO3_EPUB, "description")[0], create_parent="div")
    assert norm(meta["summary"]) == norm(" ".join(p.text_content() for p in summary))
    assert meta["stats"]["words"] > 0
    assert str(meta["stats"]["chapters"]).split("/")[0] == str(len(result["chapters"]))


@pytest.mark.parametrize("path", [AO3_HTML, AO3_EPUB], ids=["html", "epub"])
def test_ao3_chapters_and_paratext(path: Path) -> None:
    require_shared()
    result = analyze(path)
    text = result["text"]
    titles = ncx_chapter_titles(AO3_EPUB)
    assert [c["title"] for c in result["chapters"]] == titles
    assert paratext_texts(result, "chapter_heading") == titles
    assert paratext_texts(result, "title") == [result["metadata"]["title"]]
    content = ao3_content_paragraphs(AO3_HTML)
    assert len(content) == len(result["chapters"])
    for chapter, paras in zip(result["chapters"], content, strict=True):
        assert text[chapter["start"] :].startswith(chapter["title"])
        first = story_start_after(result, chapter["start"])
        assert text[first:].startswith(paras[0]), chapter["title"]
        assert text[: chapter["end"]].endswith(paras[-1])
        # the story paragraphs are the chapter's story, never paratext
        for para in (paras[0], paras[-1]):
            at = text.index(para, chapter["start"])
            assert not kinds_at(result, at, at + len(para)), para[:30]
    # every note the metadata lists is marked as a note in the text
    notes = result["metadata"]["notes"]
    assert len(notes) >= 4
    for note in notes:
        at = text.index(note)
        assert kinds_at(result, at, at + len(note)) & {"author_note", "disclaimer"}, note[:30]
    summary_at = text.index(result["metadata"]["summary"].split("\n\n")[0])
    assert kinds_at(result, summary_at, summary_at + 5) == {"summary"}
    assert result["paratext"][0]["start"] == 0


def test_ao3_html_and_epub_give_the_same_document() -> None:
    require_shared()
    a, b = analyze(AO3_HTML), analyze(AO3_EPUB)
    assert a["text"] == b["text"]
    assert a["paratext"] == b["paratext"]
    assert a["chapters"] == b["chapters"]


def test_ao3_loose_labels_one_shot_and_line_breaks() -> None:
    page = """<html><body><div id="preface"><div class="meta"><dl class="tags">
<dt>Rating:</dt><dd><a href="#">General Audiences</a></dd>
<dt>Archive Warnings:</dt><dd><a href="#">No Archive Warnings Apply</a></dd>
<dt>Category:</dt><dd><a href="#">Gen</a></dd>
<dt>Fandoms:</dt><dd><a href="#">Paper Boats (Novel)</a></dd>
<dt>Relationship:</dt><dd><a href="#">Odile &amp; Pim</a></dd>
<dt>Character:</dt><dd><a href="#">Odile</a></dd>
<dt>Additional Tags:</dt><dd><a href="#">Rain</a></dd>
<dt>Stats:</dt><dd>Published: 2020-01-01 Words: 40 Chapters: 1/1</dd></dl>
<h1>Paper Boats</h1><div class="byline">by <a rel="author" href="#">quietgull</a></div>
<p>Summary</p><blockquote class="userstuff"><p>Two children and a flooded street.</p></blockquote>
</div></div>
<div id="chapters" class="userstuff">
<p>Odile folded the first boat out of a bus ticket.<br/>It sank at once.</p>
<p>“Again,” said Pim, <em>very</em> seriously.</p><p>* * *</p><hr/>
<p>By evening the gutter was a harbour.</p></div>
<div id="afterword"><p class="message">Please <a href="#">drop by the Archive and comment</a>!</p></div>
</body></html>"""
    doc = read_bytes(page.encode(), "boats.html")
    meta = doc.metadata
    assert meta["warnings"] == ["No Archive Warnings Apply"]
    assert meta["fandoms"] == ["Paper Boats (Novel)"]
    assert meta["relationships"] == ["Odile & Pim"]
    assert meta["characters"] == ["Odile"]
    assert meta["tags"] == ["Rain"]
    assert "language" not in meta
    assert meta["stats"] == {"published": "2020-01-01", "words": 40, "chapters": "1/1"}
    assert doc.structure_from_markup
    assert "bus ticket.\nIt sank at once." in doc.text
    assert "“Again,” said Pim, very seriously." in doc.text
    assert "drop by" not in doc.text
    [chapter] = doc.chapters
    assert chapter.title == "Paper Boats"
    assert doc.text[chapter.start :].startswith("Odile folded")
    assert doc.text[: chapter.end].endswith("a harbour.")
    assert doc.text.count("* * *") == 1
    assert [p.kind for p in doc.paratext] == ["title", "other", "summary", "summary"]


def test_ao3_bare_chapter_heading() -> None:
    page = """<html><body><div id="preface"><div class="meta"><dl><dt>Rating:</dt><dd>Mature</dd></dl>
<h1>Tin</h1></div></div><div id="chapters" class="userstuff">
<div class="meta group"><h2 class="heading">Prologue</h2></div>
<div class="userstuff"><p>The robot woke before the town did.</p></div>
<div class="meta group"><h2 class="heading">Snow</h2></div>
<div class="userstuff"><h2>Inventory</h2><p>Notes</p><p>It had never seen snow and did not trust it.</p></div></div></body></html>"""
    doc = read_bytes(page.encode(), "tin.html")
    assert [c.title for c in doc.chapters] == ["Prologue", "Snow"]
    assert doc.metadata["rating"] == "Mature"
    # a heading and a "Notes" line inside the chapter text are story, not structure
    assert [p.kind for p in doc.paratext] == ["title", "chapter_heading", "chapter_heading"]
    assert doc.text.endswith(
        "Snow\n\nInventory\n\nNotes\n\nIt had never seen snow and did not trust it."
    )


# ---------------------------------------------------------------- FanFicFare


def fff_meta() -> dict[str, Any]:
    return json.loads(FFF_META.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [FFF_TXT, FFF_HTML, FFF_EPUB], ids=["txt", "html", "epub"])
def test_fff_metadata_and_chapters(path: Path) -> None:
    require_shared()
    result = analyze(path)
    declared = fff_meta()
    meta = result["metadata"]
    text = result["text"]
    assert meta["title"] == declared["title"]
    assert meta["authors"] == [declared["author"]]
    assert meta["fandoms"] == [declared["category"]]
    assert meta["characters"] == declared["characters"].split(", ")
    assert meta["relationships"] == declared["ships"].split(", ")
    assert meta["rating"] == declared["rating"]
    assert meta["language"] == declared["language"]
    assert meta["summary"] == declared["description"]
    assert meta["stats"]["words"] == int(declared["numWords"].replace(",", ""))
    assert meta["stats"]["chapters"] == int(declared["numChapters"])
    titles = [c[1]["title"] for c in declared["zchapters"]]
    assert [c["title"] for c in result["chapters"]] == titles
    for chapter in result["chapters"]:
        assert text[chapter["start"] :].startswith(chapter["title"])
        assert kinds_at(result, chapter["start"], chapter["start"] + 1) == {"chapter_heading"}
        assert not text[chapter["end"] - 1].isspace()
        body = story_start_after(result, chapter["start"])
        assert body < chapter["end"]
    assert paratext_texts(result, "title")[0].startswith(declared["title"])
    summary = paratext_texts(result, "summary")
    assert len(summary) == 1 and norm(summary[0]).endswith(norm(declared["description"]))
    # header lines ("Label: value") are paratext, the first chapter's body is not
    header = paratext_texts(result, "other")
    assert any(norm(h) == f"Rating: {declared['rating']}" for h in header)
    first = result["chapters"][0]
    body = story_start_after(result, first["start"])
    assert body > first["start"]
    assert not kinds_at(result, body, body + 20)


def test_fff_txt_text_is_the_file_and_marks_toc_and_end() -> None:
    require_shared()
    result = analyze(FFF_TXT)
    assert result["text"] == FFF_TXT.read_bytes().decode("utf-8").replace("\r\n", "\n")
    other = [norm(t) for t in paratext_texts(result, "other")]
    titles = [c[1]["title"] for c in fff_meta()["zchapters"]]
    toc_at = other.index("TABLE OF CONTENTS")
    assert other[toc_at + 1 : toc_at + 1 + len(titles)] == titles
    assert other[-1] == "End file."
    last = result["chapters"][-1]
    assert last["end"] < result["text"].rindex("End file.")


# ---------------------------------------------------------------- everything in samples, seeds, examples


ALL_FILES = sorted(p for p in SAMPLES.glob("*") if p.suffix != ".json") + SEEDS


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_shared_file_analyses(path: Path) -> None:
    require_shared()
    result = analyze(path)  # schema-validated in conftest
    assert result["text"].strip()
    kinds = [p["kind"] for p in result["paratext"]]
    if result["source"]["format"] != "txt" or path.name.startswith("fff_"):
        assert result["chapters"], path.name
        assert "chapter_heading" in kinds or len(result["chapters"]) == 1


@pytest.mark.parametrize("path", EXAMPLE_HTML + EXAMPLE_EPUB, ids=lambda p: p.name)
def test_examples_have_paratext_chapters_and_dialogue(path: Path) -> None:
    result = analyze(path)
    kinds = {p["kind"] for p in result["paratext"]}
    assert {"title", "summary", "author_note", "disclaimer", "chapter_heading"} <= kinds
    assert len(result["chapters"]) == 2
    assert result["metadata"]["fandoms"] and result["metadata"]["characters"]
    assert len(result["quotes"]) >= 10
    for q in result["quotes"]:
        assert not kinds_at(result, q["start"], q["end"]) - {"scene_break"}


def test_example_epub_matches_its_html_source() -> None:
    assert EXAMPLE_HTML and EXAMPLE_EPUB
    for page in EXAMPLE_HTML:
        a = read_path(str(page))
        b = read_path(str(page.with_suffix(".epub")))
        assert (a.text, a.paratext, a.chapters) == (b.text, b.paratext, b.chapters)


def test_example_epub_uses_calibre_layout() -> None:
    for book in EXAMPLE_EPUB:
        with zipfile.ZipFile(book) as zf:
            assert zf.namelist()[0] == "mimetype"
            pages = [zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml")]
        assert len(pages) >= 4
        joined = "\n".join(pages)
        for ident in ('id="preface"', 'id="chapters"', 'id="afterword"', 'id="endnotes'):
            assert ident in joined
        assert not re.search(r'class="(meta|userstuff|heading|byline|message)', joined)


def test_generic_html_keeps_paragraphs_for_the_text_stages() -> None:
    page = (
        b"<html><head><title>A Walk</title></head><body><nav>Home | Next</nav>"
        b"<h2>Chapter One</h2><p>They walked to the river.</p><p>It was cold.<br/><br/>Very cold.</p></body></html>"
    )
    doc = read_bytes(page, "walk.htm")
    assert doc.text == "Chapter One\n\nThey walked to the river.\n\nIt was cold.\n\nVery cold."
    assert not doc.structure_from_markup
    assert doc.metadata["title"] == "A Walk"


def test_epub_reader_reads_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    monkeypatch.chdir(tmp_path)
    data = AO3_EPUB.read_bytes()
    doc = read_bytes(data, "book.epub")
    assert doc.chapters and list(tmp_path.iterdir()) == []
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def fff_txt(chapters: list[tuple[str, str]], toc: bool = True) -> str:
    """A FanFicFare-style TXT of our own, CRLF and all."""
    lines = ["", "", "The Salt Road", "", "by gullwing", "", "", "Category: Salt Road (Radio Play)"]
    lines += ["Characters: Ottilie, Bram", "Status: Completed", "Packaged: 2025-05-05 10:00:00"]
    lines += [
        "Rating: K",
        "Summary: Two couriers, one cart and a very long road. I am",
        "bad at summaries.",
        "",
        "",
        "",
    ]
    if toc:
        lines += ["TABLE OF CONTENTS", "", ""] + [x for title, _ in chapters for x in (title, "")]
        lines += ["", "", ""]
    for title, body in chapters:
        if toc:
            lines += [f"        {title}", "", ""]
        lines += [body, "", "", "", ""]
    lines += ["End file.", ""]
    return "\r\n".join(lines)


def test_fff_txt_of_our_own_with_and_without_toc() -> None:
    chapters = [
        ("Dust", "Ottilie drove while Bram counted the milestones out loud."),
        ("Rain", "By the third day the road had turned to soup, and Bram stopped counting."),
    ]
    raw = fff_txt(chapters)
    doc = read_bytes(raw.encode("utf-8"), "salt.txt")
    assert doc.text == raw.replace("\r\n", "\n")
    assert doc.structure_from_markup
    assert [c.title for c in doc.chapters] == ["Dust", "Rain"]
    for chapter, (_, body) in zip(doc.chapters, chapters, strict=True):
        assert doc.text[chapter.start : chapter.end].endswith(body)
        assert not doc.is_paratext(doc.text.index(body))
    assert (
        doc.metadata["summary"]
        == "Two couriers, one cart and a very long road. I am bad at summaries."
    )
    assert doc.metadata["characters"] == ["Ottilie", "Bram"]
    summary = [doc.text[p.start : p.end] for p in doc.paratext if p.kind == "summary"]
    assert summary == [
        "Summary: Two couriers, one cart and a very long road. I am\nbad at summaries."
    ]
    one = read_bytes(fff_txt(chapters[:1], toc=False).encode("utf-8"), "salt1.txt")
    [chapter] = one.chapters
    assert chapter.title == "The Salt Road"
    assert one.text[chapter.start : chapter.end] == chapters[0][1]


def test_hand_written_header_is_not_mistaken_for_fanficfare() -> None:
    story = (
        "Paper Moons\nby lunafox\nRating: T\nFandom: Moon Kids\nSummary: A short one.\n\nThe moon was made of paper that year.\n"
        * 2
    )
    doc = read_bytes(story.encode(), "moons.txt")
    assert not doc.structure_from_markup and doc.paratext == []


def test_fanficfare_epub_notes_are_paratext() -> None:
    title_page = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body class="fff_titlepage">'
        '<h3><a href="#">Glass Birds</a> by <a class="authorlink" href="#">mirrorwing</a></h3>'
        "<div><b>Category:</b> Glass Birds (Comic)<br/><b>Rating:</b> T<br/>"
        "<b>Summary:</b> A glassblower and her apprentice.<br/></div></body></html>"
    )
    chapter = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body class="fff_chapter">'
        '<h3 class="fff_chapter_title">The Furnace</h3>'
        '<div class="fff_chapter_notes fff_head_notes"><b>Notes:</b> Thanks for reading!</div>'
        "<div><p>“Hotter,” said Maren, and the apprentice worked the bellows.</p></div>"
        '<div class="fff_chapter_notes fff_foot_notes"><b>End Notes:</b> More soon.</div>'
        "</body></html>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        zf.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf"><manifest>'
            '<item id="t" href="OEBPS/title_page.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="c" href="OEBPS/file0001.xhtml" media-type="application/xhtml+xml"/>'
            '</manifest><spine><itemref idref="t"/><itemref idref="c"/></spine></package>',
        )
        zf.writestr("OEBPS/title_page.xhtml", title_page)
        zf.writestr("OEBPS/file0001.xhtml", chapter)
    doc = read_bytes(buf.getvalue(), "glass.epub")
    assert doc.metadata["title"] == "Glass Birds" and doc.metadata["authors"] == ["mirrorwing"]
    assert doc.metadata["fandoms"] == ["Glass Birds (Comic)"]
    notes = [doc.text[p.start : p.end] for p in doc.paratext if p.kind == "author_note"]
    assert notes == ["Notes: Thanks for reading!", "End Notes: More soon."]
    [ch] = doc.chapters
    assert ch.title == "The Furnace"
    assert not doc.is_paratext(doc.text.index("Hotter"))


def test_html_without_charset_and_with_mojibake() -> None:
    clean = "“Don’t go,” said Ana. The café was closing."
    broken = clean.encode("utf-8").decode("sloppy-windows-1252")
    undeclared = f"<html><body><p>{clean}</p></body></html>".encode()
    assert read_bytes(undeclared, "plain.html").text == clean
    declared = f'<html><head><meta charset="utf-8"></head><body><p>{broken}</p></body></html>'
    assert read_bytes(declared.encode(), "broken.html").text == clean
