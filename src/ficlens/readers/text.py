"""Plain text: decode whatever encoding the user has, mend mojibake, normalise line endings.

For clean UTF-8 the text is the file content with LF line endings and nothing else changed
(the contract promises that): ftfy only runs when it sees mojibake, and then with quote
uncurling, HTML unescaping and every other cosmetic fix switched off.
"""

from __future__ import annotations

import codecs
import re

import ftfy
from ftfy.badness import is_bad

from ficlens.document import Document, Source
from ficlens.errors import InputError
from ficlens.readers.safety import binary_reason

# ftfy restricted to undoing encoding accidents; quotes, widths, ligatures stay as written.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
# Encodings of non-Latin scripts we accept from charset-normalizer. Any other guess for
# non-UTF-8 bytes (it often says cp775 or mac_roman for short Western text) becomes cp1252,
# the encoding of Windows-written fan fiction, or latin-1 where cp1252 has holes.
NON_LATIN = frozenset(
    {
        "cp1251",
        "koi8_r",
        "koi8_u",
        "iso8859_5",
        "cp866",
        "mac_cyrillic",
        "cp1253",
        "iso8859_7",
        "cp1255",
        "iso8859_8",
        "cp1256",
        "iso8859_6",
        "shift_jis",
        "cp932",
        "euc_jp",
        "iso2022_jp",
        "gb2312",
        "gbk",
        "gb18030",
        "cp936",
        "big5",
        "big5hkscs",
        "cp950",
        "euc_kr",
        "cp949",
        "johab",
        "tis_620",
        "cp874",
        "cp1258",
        "utf_16",
        "utf_32",
        "hz",
    }
)


# A UTF-8 lead byte (as cp1252/latin-1 shows it) followed by a continuation byte.
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le`/`utf-16-be` when every other byte of the head is NUL, as in ASCII-ish UTF-16."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even_nul = head[0::2].count(0) / (len(head) // 2)
    odd_nul = head[1::2].count(0) / (len(head) // 2)
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def single_byte_encoding(data: bytes) -> str:
    """Pick a legacy encoding for bytes that are not UTF-8."""
    non_ascii = len(data) - len(data.translate(None, bytes(range(128))))
    cp1252_ok = True
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252_ok = False
    if cp1252_ok and non_ascii <= 0.05 * len(data):
        return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best else None
    if guess in NON_LATIN:
        return guess
    return "cp1252" if cp1252_ok else "latin-1"


def repair_mojibake(text: str) -> str:
    """Run ftfy on the lines that look like UTF-8 read as cp1252/latin-1, and only there.

    A cheap regex finds a UTF-8 lead byte followed by a continuation byte as cp1252 shows
    them; ftfy's own (slower) badness test then decides per line, so a clean 10 MB story is
    scanned once and never rewritten.
    """
    lines: list[str] | None = None
    for m in MOJIBAKE_HINT.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if lines is None:
            lines = []
            pos = 0
        elif start < pos:
            continue
        line = text[start:end]
        lines.append(text[pos:start])
        lines.append(ftfy.fix_text(line, FTFY_CONFIG) if is_bad(line) else line)
        pos = end
    if lines is None:
        return text
    lines.append(text[pos:])
    return "".join(lines)


def decode(data: bytes, name: str, notes: list[str] | None = None) -> str:
    """Decode story bytes to str with LF line endings, refusing binary data.

    What a user may want to know (a legacy encoding, repaired mojibake) goes to `notes`.
    """
    notes = notes if notes is not None else []
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = utf16_without_bom(data) or ""
        if not encoding:
            reason = binary_reason(data)
            if reason:
                raise InputError(name, reason)
    if not encoding:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = single_byte_encoding(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise InputError(name, f"cannot decode the text as {encoding}") from None
        if encoding.startswith("utf-16") and "\x00" in text:
            raise InputError(name, "binary data (NUL characters), not a story file")
        if encoding not in ("utf-8-sig", "utf-16"):
            notes.append(f"file is not UTF-8; decoded as {encoding}")
    fixed = repair_mojibake(text)
    if fixed != text:
        notes.append("repaired mojibake (text that had been decoded with the wrong encoding)")
        text = fixed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(data: bytes, source: Source) -> Document:
    notes: list[str] = []
    text = decode(data, source.path, notes)
    if not text.strip():
        raise InputError(source.path, "the file is empty (only whitespace)")
    from ficlens.readers.fff import looks_like_fff_text, read_fff_text

    doc = (
        read_fff_text(text, source)
        if looks_like_fff_text(text)
        else Document(text=text, source=source)
    )
    doc.warnings.extend(notes)
    return doc
