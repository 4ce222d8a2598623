"""A user-supplied cast (`--cast FILE`): one character per line, `Canonical Name: alias, alias`."""

from __future__ import annotations

from pathlib import Path

from ficlens.errors import InputError


def parse_cast(text: str, name: str = "<cast>") -> list[tuple[str, list[str]]]:
    """Parse cast lines; `#` starts a comment, blank lines are skipped."""
    cast: list[tuple[str, list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        canon, _, rest = line.partition(":")
        canon = canon.strip()
        if not canon:
            raise InputError(name, f"line {lineno}: a cast line starts with the character's name")
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
