"""Bad and hostile input through the real command line: one line on stderr, never a traceback.

Every hostile file is built here (zipfile, bytes); nothing is extracted to disk, no entity
is expanded, and nothing is written next to the input or at the output path.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLES, require_shared
from ficlens.errors import InputError
from ficlens.readers import MAX_INPUT_BYTES, read_bytes, safety

XHTML = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
    "<body><p>{body}</p></body></html>"
)
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
OPF = (
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
    '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title></metadata>'
    '<manifest><item id="c1" href="{href}" media-type="application/xhtml+xml"/></manifest>'
    '<spine><itemref idref="c1"/></spine></package>'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE html [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)
STORY = "The ferry came in late, and nobody on the quay said a word about it."


def epub(members: dict[str, bytes | str], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compress) as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def good_epub_members(body: str = STORY, href: str = "text/ch1.xhtml") -> dict[str, bytes | str]:
    return {
        "META-INF/container.xml": CONTAINER,
        "content.opf": OPF.format(href=href),
        href: XHTML.format(body=body),
    }


def write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data)
        return p

    return make


def sparse(name: str, size: int) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        with p.open("wb") as fh:
            fh.write(b"The story begins here.\n")
            fh.truncate(size)
        return p

    return make


def bomb_epub() -> bytes:
    members = good_epub_members()
    members["text/zeros.xhtml"] = b"\0" * (8 * 2**20)
    return epub(members)


def traversal_epub(member: str) -> bytes:
    members = good_epub_members()
    members[member] = "pwned"
    return epub(members)


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda d: d / "nowhere.txt", "no such file"),
    "directory": (lambda d: (d / "stories").mkdir() or d / "stories", "directory"),
    "empty": (write("empty.txt", b""), "empty"),
    "whitespace": (write("blank.txt", b" \n\r\n\t  \n"), "empty"),
    "nul_bytes": (write("nul.txt", b"Once upon\x00 a time\x00\x00\x01\x02" * 50), "binary data"),
    "png": (write("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), "binary data"),
    "png_as_html": (
        write("picture.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "binary data",
    ),
    "control_chars": (write("noise.txt", bytes([1, 2, 3, 4, 5, 6, 65, 66]) * 200), "binary data"),
    "zip_not_epub": (write("archive.zip", epub({"notes.txt": STORY})), "not an EPUB"),
    "truncated_epub": (
        lambda d: write("cut.epub", (SAMPLES / "fff_4.62_test1_story.epub").read_bytes()[:3000])(d),
        "corrupt",
    ),
    "epub_without_zip": (
        write("fake.epub", b"this is not a zip at all, just words"),
        "not an EPUB",
    ),
    "dotdot_member": (write("escape.epub", traversal_epub("../../evil.txt")), "unsafe path"),
    "absolute_member": (write("absolute.epub", traversal_epub("/etc/evil.txt")), "unsafe path"),
    "spine_outside": (
        write(
            "spine.epub",
            epub({**good_epub_members(), "content.opf": OPF.format(href="../../etc/hostname")}),
        ),
        "outside the archive",
    ),
    "zip_bomb": (write("bomb.epub", bomb_epub()), "zip bomb"),
    "billion_laughs_epub": (
        write(
            "laughs.epub",
            epub(
                {
                    **good_epub_members(),
                    "text/ch1.xhtml": LAUGHS
                    + '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p></body></html>',
                }
            ),
        ),
        "entities",
    ),
    "billion_laughs_html": (
        write("laughs.html", (LAUGHS + "<html><body><p>&lol9;</p></body></html>").encode()),
        "entities",
    ),
    "external_entity_html": (
        write(
            "xxe.xhtml",
            b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n'
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&secret;</p></body></html>',
        ),
        "entities",
    ),
    "opf_entities": (
        write(
            "opf.epub",
            epub(
                {
                    **good_epub_members(),
                    "content.opf": LAUGHS.replace("html", "package")
                    + OPF.format(href="text/ch1.xhtml").split("?>", 1)[1],
                }
            ),
        ),
        "entities",
    ),
    "no_story_html": (
        write(
            "menu.html", b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>"
        ),
        "no story text",
    ),
    "broken_opf": (
        write("opfbad.epub", epub({**good_epub_members(), "content.opf": "<package><unclosed>"})),
        "malformed XML",
    ),
    "too_large": (sparse("huge.txt", 50 * 2**20), "larger than the 32 MiB limit for one story"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_refuses_bad_input_in_one_line(case: str, tmp_path: Path) -> None:
    if case == "truncated_epub":
        require_shared()
    make, expected = CASES[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    path = make(inputs)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "analyze", str(path), "-o", str(out_dir / "result.json")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "FICLENS_DEBUG": ""},
        timeout=120,
    )
    assert proc.returncode not in (0, 70), proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert path.name in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == before


def test_non_english_story_is_analysed_with_a_warning(tmp_path: Path) -> None:
    story = tmp_path / "histoire.txt"
    story.write_text(
        "« Tu viens ? » demanda Léa. Son frère haussa les épaules et regarda la mer. "
        "Les bateaux rentraient lentement au port, et personne ne disait rien. " * 8,
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "analyze", str(story), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr

    result = json.loads(out.read_text(encoding="utf-8"))
    assert any(w.startswith("text does not look like English") for w in result["warnings"])


def test_size_limit_is_32_mib() -> None:
    assert MAX_INPUT_BYTES == 32 * 2**20
    with pytest.raises(InputError, match="larger than the 32 MiB limit"):
        read_bytes(b"a" * (MAX_INPUT_BYTES + 1), "big.txt")


def test_total_uncompressed_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 4096)
    members = good_epub_members()
    for i in range(4):
        members[f"text/pad{i}.css"] = os.urandom(1500)
    with pytest.raises(InputError, match="more than"):
        read_bytes(epub(members), "padded.epub")


def test_member_larger_than_declared_is_refused() -> None:
    data = bytearray(epub(good_epub_members(body=STORY * 20), compress=zipfile.ZIP_STORED))
    zf = safety.SafeZip(bytes(data), "x.epub")
    info = zf.members["text/ch1.xhtml"]
    info.file_size = 10  # a lying central directory
    with pytest.raises(InputError, match="larger than declared|cannot be read"):
        zf.read("text/ch1.xhtml")


def test_minimal_valid_epub_reads() -> None:
    doc = read_bytes(epub(good_epub_members()), "tiny.epub")
    assert doc.text == STORY
    assert doc.metadata["title"] == "T"


@pytest.mark.parametrize(
    "member", ["../x", "a/../../x", "/abs", "C:/windows/x", "a\\..\\..\\x", "ok/../../x"]
)
def test_unsafe_member_names(member: str) -> None:
    assert safety.unsafe_member_name(member)


@pytest.mark.parametrize("member", ["OEBPS/ch1.xhtml", "META-INF/container.xml", "a/b..c.xhtml"])
def test_safe_member_names(member: str) -> None:
    assert not safety.unsafe_member_name(member)
