"""Readers: bytes of one file in, a `Document` out. One module per input format.

`read_path` checks what a user can get wrong (missing file, a directory, empty or binary
data, a file too large to be one story), picks the reader by content as much as by
extension, and raises `InputError` with one line that names the file and the problem.
Errors raised deep inside a reader (lxml, zipfile, codecs) are turned into `InputError`
here too, so the command line never shows a traceback for bad input.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

from lxml import etree

from ficlens.document import Document, Source
from ficlens.errors import InputError
from ficlens.readers.safety import first_line

MAX_INPUT_BYTES = 32 * 1024 * 1024
"""Larger files are refused: no single story is that big, and parsing it would exhaust memory."""


def too_large(size: int) -> str:
    return (
        f"file is {size / 2**20:.0f} MiB, larger than the "
        f"{MAX_INPUT_BYTES // 2**20} MiB limit for one story"
    )


def sniff_format(data: bytes, name: str) -> str:
    """`epub`, `html` or `txt`, from the bytes first and the file name second."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "epub"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    return "txt"


def make_source(name: str, fmt: str, data: bytes) -> Source:
    return Source(path=name, format=fmt, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def read_bytes(data: bytes, name: str, fmt: str | None = None) -> Document:
    """Turn the bytes of one story file into a Document (with reader warnings)."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(name, too_large(len(data)))
    fmt = fmt or sniff_format(data, name)
    if fmt != "epub" and Path(name).suffix.lower() == ".epub":
        raise InputError(name, "not an EPUB (no ZIP signature)")
    source = make_source(name, fmt, data)
    try:
        doc = dispatch(data, source)
    except InputError:
        raise
    except (RecursionError, MemoryError):
        raise InputError(name, "too deeply nested or too large to read") from None
    except (
        UnicodeError,
        ValueError,
        LookupError,
        OSError,
        zipfile.BadZipFile,
        etree.LxmlError,
    ) as exc:
        raise InputError(
            name, f"cannot be read as {fmt} ({type(exc).__name__}: {first_line(exc)})"
        ) from None
    from ficlens.readers.language import add_input_warnings

    add_input_warnings(doc)
    return doc


def dispatch(data: bytes, source: Source) -> Document:
    if source.format == "epub":
        from ficlens.readers.epub import read_epub

        return read_epub(data, source)
    if source.format == "html":
        from ficlens.readers.html import read_html

        return read_html(data, source)
    from ficlens.readers.text import read_text

    return read_text(data, source)


def read_path(path: str) -> Document:
    """Read a story file, or standard input (plain text) when `path` is `-`."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError("<stdin>", too_large(len(data)))
        return read_bytes(data, "<stdin>", "txt")
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a story file (use `ficlens batch` for folders)")
    try:
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(path, too_large(size))
        data = p.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path)
