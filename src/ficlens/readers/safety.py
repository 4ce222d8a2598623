"""Guards every reader goes through: binary sniffing, safe XML/HTML parsing, safe ZIP access.

Story files come from strangers. Nothing here ever expands an XML entity, touches the
network, extracts to disk or trusts a ZIP's declared sizes without checking them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree, html

from ficlens.errors import InputError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""Cap on the summed uncompressed size of all members of one EPUB."""
MAX_COMPRESSION_RATIO = 100
"""A member that inflates more than this is treated as a zip bomb."""
MAX_MEMBERS = 10_000

# Magic numbers of formats users drop on us by mistake: (prefix, what it is). Only
# prefixes no story can start with; other binaries are caught by their NUL bytes.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip data"),
    (b"Rar!\x1a\x07", "RAR data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# Control bytes that never occur in text (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def binary_reason(data: bytes) -> str | None:
    """Why `data` is not text, or None. Call only after UTF-16 has been ruled out."""
    for magic, what in MAGIC:
        if data.startswith(magic):
            return f"binary data ({what}), not a story file"
    head = data[:65536]
    if b"\x00" in head:
        return "binary data (NUL bytes), not a story file"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls / len(head) > 0.05:
        return "binary data (control characters), not a story file"
    return None


def has_entity_declarations(data: bytes) -> bool:
    """True for markup whose prolog declares entities: the billion-laughs and XXE tricks."""
    head = data[:65536].lower()
    root = head.find(b"<html")
    return b"<!entity" in (head if root < 0 else head[:root])


def refuse_entities(data: bytes, name: str) -> None:
    if has_entity_declarations(data):
        raise InputError(name, "markup declares XML entities (refused for safety)")


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def html_parser(encoding: str | None = None) -> html.HTMLParser:
    return html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, encoding=encoding
    )


_DECLARED = re.compile(rb"""<meta[^>]+charset|<\?xml[^>]+encoding""", re.I)


def markup_encoding(data: bytes) -> str | None:
    """The encoding for HTML that does not declare one: UTF-8 if it decodes, else cp1252.

    libxml2 assumes latin-1 for undeclared HTML, which turns UTF-8 curly quotes into
    mojibake; a BOM or a declared charset is left to the parser.
    """
    bom = data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if bom or _DECLARED.search(data[:4096]):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def parse_xml(data: bytes, name: str) -> Any:
    """Parse strict XML (OPF, container.xml) without entities, DTDs or network."""
    refuse_entities(data, name)
    try:
        return etree.fromstring(data, parser=xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(name, f"malformed XML ({first_line(exc)})") from None


def parse_markup(data: bytes, name: str) -> Any:
    """Parse XHTML as XML when it is well-formed, otherwise as forgiving HTML; returns the root."""
    refuse_entities(data, name)
    if data.lstrip()[:5] == b"<?xml" or b"xmlns=" in data[:2048]:
        try:
            root = etree.fromstring(data, parser=xml_parser())
            strip_namespaces(root)
            return root
        except (etree.XMLSyntaxError, ValueError):
            pass
    try:
        root = html.document_fromstring(data, parser=html_parser(markup_encoding(data)))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(name, f"malformed HTML ({first_line(exc)})") from None
    strip_namespaces(root)
    return root


def strip_namespaces(root: Any) -> None:
    """Drop XHTML namespaces so readers can match plain tag names."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag[0] == "{":
            el.tag = tag.split("}", 1)[1]


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


class SafeZip:
    """Read-only, in-memory access to a ZIP whose members have been vetted up front."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise InputError(name, "truncated or corrupt ZIP/EPUB archive") from None
        if len(infos) > MAX_MEMBERS:
            raise InputError(name, f"archive has {len(infos)} members, too many for an EPUB")
        total = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            member = info.filename
            if unsafe_member_name(member):
                raise InputError(name, f"archive member has an unsafe path: {member!r}")
            total += info.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InputError(name, "archive unpacks to more than 200 MiB (zip bomb?)")
            if info.file_size > 1_000_000 and info.file_size > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise InputError(
                    name, f"archive member {member!r} is compressed too well (zip bomb?)"
                )
            self.members[member] = info

    def __contains__(self, member: str) -> bool:
        return member in self.members

    def read(self, member: str) -> bytes:
        """Read one member, never more bytes than it declared."""
        info = self.members.get(member)
        if info is None:
            raise InputError(self.name, f"archive member {member!r} is missing")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InputError(
                self.name, f"archive member {member!r} cannot be read ({first_line(exc)})"
            ) from None
        if len(data) > info.file_size:
            raise InputError(
                self.name, f"archive member {member!r} is larger than declared (zip bomb?)"
            )
        return data


def unsafe_member_name(member: str) -> bool:
    """Absolute paths, drive letters, `..` parts and NULs: never valid inside an EPUB."""
    norm = member.replace("\\", "/")
    if norm.startswith("/") or "\x00" in norm or (len(norm) > 1 and norm[1] == ":"):
        return True
    return any(part == ".." for part in norm.split("/"))
