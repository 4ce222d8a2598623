"""Finding the stories of a batch: files, folders, globs, path lists and ZIP archives.

Inputs are expanded lazily, in a stable order, into `Item`s that know how to fetch their
bytes; nothing is read until the work is dispatched, so a corpus of millions of files starts
at once and memory does not grow with its size. ZIP members are read in memory and never
extracted; a ZIP that is an EPUB is a story, not an archive. Problems with an input (a
missing path, a broken archive) become `Item`s that fail when fetched, so they land in the
`errors` table like any other bad file instead of stopping the batch.
"""

from __future__ import annotations

import glob
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ficlens.errors import InputError
from ficlens.readers import MAX_INPUT_BYTES

STORY_SUFFIXES = frozenset({".txt", ".html", ".htm", ".epub"})
ARCHIVE_SUFFIXES = frozenset({".zip"})
LIST_SUFFIXES = frozenset({".lst", ".list"})
GLOB_CHARS = frozenset("*?[")
MEMBER_SEPARATOR = "!"
"""A ZIP member is named `archive.zip!folder/story.txt`."""


@dataclass(frozen=True, slots=True)
class Item:
    """One would-be work: its display path and a way to get its bytes (may raise InputError)."""

    path: str
    fetch: Callable[[], bytes]


def is_epub(data_or_zip: zipfile.ZipFile) -> bool:
    """An EPUB is a ZIP whose `mimetype` member says so (or that has an OCF container)."""
    names = set(data_or_zip.namelist())
    if "mimetype" in names:
        try:
            return data_or_zip.read("mimetype").strip().startswith(b"application/epub")
        except (KeyError, zipfile.BadZipFile, OSError):
            return False
    return "META-INF/container.xml" in names


def _read_file(path: str) -> bytes:
    p = Path(path)
    try:
        if not p.exists():
            raise InputError(path, "no such file")
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(
                path, f"file is {size / 2**20:.0f} MiB, larger than the {MAX_INPUT_BYTES // 2**20} MiB limit"
            )
        return p.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def _failing(path: str, problem: str) -> Item:
    def fetch() -> bytes:
        raise InputError(path, problem)

    return Item(path, fetch)


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in Path(name).parts)


def _member_item(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Item:
    def fetch() -> bytes:
        if info.file_size > MAX_INPUT_BYTES:
            raise InputError(name, f"member is larger than the {MAX_INPUT_BYTES // 2**20} MiB limit")
        try:
            return zf.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise InputError(name, f"cannot be read from the archive ({exc})") from None

    return Item(name, fetch)


def _archive_items(zf: zipfile.ZipFile, label: str) -> Iterator[Item]:
    """Story members of an open ZIP, recursing into ZIPs inside it (read in memory)."""
    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        if info.is_dir() or _hidden(info.filename):
            continue
        name = f"{label}{MEMBER_SEPARATOR}{info.filename}"
        suffix = Path(info.filename).suffix.lower()
        if suffix in STORY_SUFFIXES:
            yield _member_item(zf, info, name)
        elif suffix in ARCHIVE_SUFFIXES:
            yield from _nested_archive(_member_item(zf, info, name))


def _nested_archive(item: Item) -> Iterator[Item]:
    try:
        data = item.fetch()
        inner = zipfile.ZipFile(io.BytesIO(data))
    except InputError as exc:
        yield _failing(item.path, exc.problem)
        return
    except (zipfile.BadZipFile, OSError):
        yield _failing(item.path, "is not a readable ZIP archive")
        return
    if is_epub(inner):
        yield Item(item.path, lambda: data)
    else:
        yield from _archive_items(inner, item.path)


def _zip_items(path: str) -> Iterator[Item]:
    """A .zip file: its story members, or the file itself when it is really an EPUB."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield _failing(path, "is not a readable ZIP archive")
        return
    if is_epub(zf):
        zf.close()
        yield Item(path, lambda: _read_file(path))
        return
    yield from _archive_items(zf, path)


def _dir_items(root: Path, skip: Path | None) -> Iterator[Item]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (skip is None or (here / d).resolve() != skip)
        )
        for fname in sorted(filenames):
            if fname.startswith("."):
                continue
            full = here / fname
            suffix = full.suffix.lower()
            if suffix in STORY_SUFFIXES:
                yield Item(str(full), lambda p=str(full): _read_file(p))
            elif suffix in ARCHIVE_SUFFIXES:
                yield from _zip_items(str(full))


def _list_items(list_path: str, skip: Path | None, depth: int) -> Iterator[Item]:
    """A path list: one input per line; relative lines are relative to the list's folder."""
    try:
        lines = Path(list_path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield _failing(list_path, f"path list cannot be read ({exc})")
        return
    base = Path(list_path).parent
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if not os.path.isabs(entry):
            entry = str(base / entry)
        yield from expand(entry, skip, depth + 1)


def expand(arg: str, skip: Path | None = None, depth: int = 0) -> Iterator[Item]:
    """Items of one command-line input. `skip` is the output folder, never read as input.

    `@FILE` (or a file ending in .lst/.list) is a list of inputs, one per line; a
    directory is searched recursively for story files and ZIPs; a pattern with `*`, `?`
    or `[` is a glob (`**` recurses); a .zip is an archive of stories unless it is an EPUB.
    """
    if depth > 8:
        yield _failing(arg, "path lists nest too deeply")
        return
    if arg.startswith("@"):
        yield from _list_items(arg[1:], skip, depth)
        return
    p = Path(arg)
    if p.is_dir():
        yield from _dir_items(p, skip)
    elif p.is_file():
        suffix = p.suffix.lower()
        if suffix in LIST_SUFFIXES:
            yield from _list_items(arg, skip, depth)
        elif suffix in ARCHIVE_SUFFIXES or (suffix not in STORY_SUFFIXES and zipfile.is_zipfile(arg)):
            yield from _zip_items(arg)
        else:
            yield Item(arg, lambda: _read_file(arg))
    elif GLOB_CHARS & set(arg):
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            yield _failing(arg, "pattern matches no files")
        for m in matches:
            yield from expand(m, skip, depth + 1)
    else:
        yield _failing(arg, "no such file or directory")


def expand_all(args: list[str], skip: Path | None = None) -> Iterator[Item]:
    """Items of all inputs, in order. Nothing is remembered per path (memory stays flat):
    the same file named twice is caught later by its content hash."""
    for arg in args:
        yield from expand(arg, skip)
