"""A user-supplied cast (`--cast FILE`): one character per line, `Canonical Name: alias, alias`.

A name may carry the character's gender in brackets, `Kanga [F]: Kanga, Roo's mother`, when
the story alone does not make it plain (M, F, or N for they/them); it travels with the name
in `Config(cast=...)` and `split_gender` takes it off again.
"""

from __future__ import annotations

import re
from pathlib import Path

from ficlens.errors import InputError

GENDER_MARK = re.compile(r"\s*\[([MFNmfn])\]\s*$")


def split_gender(name: str) -> tuple[str, str | None]:
    """`Kanga [F]` -> (`Kanga`, `F`); a name without a mark -> (name, None)."""
    m = GENDER_MARK.search(name)
    if m is None:
        return name, None
    return name[: m.start()].strip(), m.group(1).upper()


def with_gender(name: str, gender: str | None) -> str:
    """The cast name carrying its gender mark (`Kanga`, `F` -> `Kanga [F]`)."""
    return f"{name} [{gender}]" if gender in ("M", "F", "N") else name


def parse_cast(text: str, name: str = "<cast>") -> list[tuple[str, list[str]]]:
    """Parse cast lines; `#` starts a comment, blank lines are skipped."""
    cast: list[tuple[str, list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        canon, _, rest = line.partition(":")
        canon, gender = split_gender(canon.strip())
        if not canon:
            raise InputError(name, f"line {lineno}: a cast line starts with the character's name")
        canon = with_gender(canon, gender)
        aliases = [a.strip() for a in rest.split(",") if a.strip()]
        cast.append((canon, aliases))
    if not cast:
        raise InputError(name, "the cast file names no characters")
    return cast


def read_cast(path: str) -> list[tuple[str, list[str]]]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such cast file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read cast file ({exc})") from None
    return parse_cast(text, path)
