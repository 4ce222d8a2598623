"""The HTML reports in a real headless Chromium (Debian's /usr/bin/chromium, via Playwright).

For every seed and one sample of each input format: the page loads offline with no console
error and no request but itself, the charts draw, clicking the most talkative character
highlights their quotations, and a screenshot lands in artifacts/screenshots/. A story full
of markup must execute nothing. If Chromium cannot start, these tests fail and say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, SAMPLES, SEEDS, require_shared
from ficlens.api import analyze_path
from ficlens.document import Document, Source
from ficlens.report import corpus_html, story_html
from ficlens.report.data import story_payload
from test_report import HOSTILE, sample_document, write_batch

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "artifacts" / "screenshots"
SAMPLE_FILES = [
    "ao3_download_synthetic.html",
    "ao3_download_synthetic_calibre.epub",
    "fff_4.62_test1_story.txt",
    "fff_4.62_test1_story.html",
    "fff_4.62_test1_story.epub",
    "ffn_style_paratext_synthetic.txt",
]
CHART_SVGS = ["#overview svg", "#network svg", "#emotion svg.arc", "#emotion svg.heat", "#timeline svg"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev extra missing
        pytest.fail(f"playwright (Python package) is not installed: {exc}; run `pip install -e '.[dev]'`")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make browser-deps` (Debian package `chromium`)")
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:
            pytest.fail(f"Chromium at {CHROMIUM} could not be started: {exc}")
        yield b
        b.close()


class Page:
    """One opened report, with everything it logged and requested."""

    def __init__(self, browser: Any, path: Path):
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_function("window.ficlensReady === true", timeout=15000)

    def close(self) -> None:
        self.page.close()


def open_report(browser: Any, tmp_path: Path, name: str, html: str) -> Page:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return Page(browser, path)


def check_story_page(p: Page, doc: Document, name: str, need_speakers: bool) -> None:
    page = p.page
    for sel in CHART_SVGS:
        box = page.eval_on_selector(sel, "s => { const b = s.getBBox(); return [s.childElementCount, b.width, b.height]; }")
        assert box[0] > 0 and box[1] > 0 and box[2] > 0, f"{name}: chart {sel} is empty"
    data = story_payload(doc)
    if any(q[2] >= 0 for q in data["quotes"]):
        assert page.eval_on_selector("#dialogue svg", "s => s.querySelectorAll('rect').length") > 0
    talker = max(range(len(data["characters"])), key=lambda i: data["characters"][i]["quotes"], default=None)
    if talker is not None and data["characters"][talker]["quotes"] > 0:
        row = f'#cast tr[data-character="{talker}"]'
        if page.locator("#cast button").count() and not page.is_visible(row):
            page.click("#cast button")
        page.click(row)
        lit = page.eval_on_selector_all(".q.hl", "els => new Set(els.map(e => e.dataset.quote)).size")
        theirs = sum(1 for q in data["quotes"] if q[2] == talker and q[1] > q[0])
        assert lit == theirs, f"{name}: highlighted {lit} of {theirs} quotations"
        same = f"els => els.every(e => Number(e.dataset.speaker) === {talker})"
        assert page.eval_on_selector_all(".q.hl", same)
        assert page.is_visible(f"{row}.active")
    else:
        assert not need_speakers, f"{name}: no character has quotations; the speakers stage found none"
    if data["warnings"]:
        page.click('#warnings li[data-warning="0"]')
        assert page.eval_on_selector("#w-0", "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert not p.errors, f"{name}: console errors {p.errors}"
    assert p.requests == [p.url], f"{name}: unexpected requests {p.requests}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.stem)
def test_seed_report_in_browser(browser, tmp_path, seed) -> None:
    require_shared()
    doc = analyze_path(str(seed))
    p = open_report(browser, tmp_path, seed.stem, story_html(doc))
    try:
        check_story_page(p, doc, f"seed_{seed.stem}", need_speakers=True)
    finally:
        p.close()


@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_sample_report_in_browser(browser, tmp_path, sample) -> None:
    require_shared()
    doc = analyze_path(str(SAMPLES / sample))
    name = "sample_" + re.sub(r"\W+", "_", sample)
    p = open_report(browser, tmp_path, name, story_html(doc))
    try:
        check_story_page(p, doc, name, need_speakers=False)
        assert p.page.locator("h1").inner_text().strip()
    finally:
        p.close()


def test_hostile_story_executes_nothing(browser, tmp_path) -> None:
    doc = sample_document()
    doc.metadata["title"] = HOSTILE
    doc.metadata["summary"] = HOSTILE
    doc.characters[2].name = '<img src=x onerror="window.__pwned=1">Bram'
    p = open_report(browser, tmp_path, "hostile", story_html(doc))
    try:
        page = p.page
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("h1").inner_text() == HOSTILE
        assert HOSTILE in page.locator("#text").inner_text()
        assert page.locator("#text img, #text script, h1 img, #cast img").count() == 0
        page.click("#reader .who >> nth=0")
        page.hover("#text .q >> nth=0")
        assert page.is_visible("#tip")
        assert p.errors == [] and p.requests == [p.url]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "hostile.png"))
    finally:
        p.close()


def test_plain_story_with_nothing_found(browser, tmp_path) -> None:
    doc = Document(text="A single line, and nobody in it.", source=Source("empty.txt", "txt", "0" * 64))
    p = open_report(browser, tmp_path, "empty", story_html(doc))
    try:
        assert p.errors == [] and p.requests == [p.url]
        assert p.page.locator(".empty").count() >= 3
    finally:
        p.close()


def test_corpus_report_in_browser(browser, tmp_path) -> None:
    one, two = sample_document(), sample_document()
    two.metadata = {"title": "Second Light", "fandoms": ["Sea Stories"], "rating": "Mature"}
    out = tmp_path / "batch"
    write_batch(out, {"w1": one, "w2": two})
    (out / "reports").mkdir()
    (out / "reports" / "w1.html").write_text(story_html(one), encoding="utf-8")
    p = Page(browser, _write(out / "corpus.html", corpus_html(out, out / "corpus.html")))
    try:
        page = p.page
        for sel in ("#fandoms svg", "#ratings svg", "#pov svg", "#words svg", "#talkers svg"):
            assert page.eval_on_selector(sel, "s => s.childElementCount") > 0, sel
        assert page.locator("#works tbody tr:not([hidden])").count() == 2
        page.fill("#works input", "second")
        assert page.locator("#works tbody tr:not([hidden])").count() == 1
        page.fill("#works input", "")
        href = page.get_attribute("#works a", "href")
        assert href == "reports/w1.html"
        assert p.errors == [] and p.requests == [p.url]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "corpus.png"), full_page=True)
    finally:
        p.close()


def _write(path: Path, html: str) -> Path:
    path.write_text(html, encoding="utf-8")
    return path
