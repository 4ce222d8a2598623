"""Readers: bytes of one file in, a `Document` out. One module per input format.

`read_path` checks what a user can get wrong (missing file, a directory, empty or binary
data), picks the reader by content as much as by extension, and raises `InputError`
with one line that names the file and the problem.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from ficlens.document import Document, Source
from ficlens.errors import InputError

MAX_INPUT_BYTES = 64 * 1024 * 1024


def sniff_format(data: bytes, name: str) -> str:
    """`epub`, `html` or `txt`, from the bytes first and the file name second."""
    if data[:4] == b"PK\x03\x04":
        return "epub"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix == ".epub":
        return "epub"
    return "txt"


def make_source(name: str, fmt: str, data: bytes) -> Source:
    return Source(path=name, format=fmt, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def read_bytes(data: bytes, name: str, fmt: str | None = None) -> Document:
    """Turn the bytes of one story file into a Document."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    fmt = fmt or sniff_format(data, name)
    source = make_source(name, fmt, data)
    if fmt == "epub":
        from ficlens.readers.epub import read_epub

        return read_epub(data, source)
    if fmt == "html":
        from ficlens.readers.html import read_html

        return read_html(data, source)
    from ficlens.readers.text import read_text

    return read_text(data, source)


def read_path(path: str) -> Document:
    """Read a story file, or standard input (plain text) when `path` is `-`."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError("<stdin>", f"input is larger than {MAX_INPUT_BYTES // 2**20} MiB")
        return read_bytes(data, "<stdin>", "txt")
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a story file (use `ficlens batch` for folders)")
    try:
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(
                path, f"file is {size / 2**20:.0f} MiB, larger than the {MAX_INPUT_BYTES // 2**20} MiB limit"
            )
        data = p.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path)
