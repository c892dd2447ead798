"""Bytes in: reading a file or standard input within the size limit, decoding it as UTF-8 with a located
error, indexing a TOML text's lines (tomllib gives none) so that problems can name them, and the one rule
by which a column header written by a person is compared (figures sheets and dossier records alike)."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from parcalc.core.issues import InputError, UsageError, error
from parcalc.data.limits import max_input_bytes, too_large

STDIN = "-"


def header_key(header: str) -> str:
    """A column header as headers are compared: without accents (precomposed or combining alike), case or
    extra spacing, so "Đã giải quyết", "da_giai  quyet" and "ĐÃ GIẢI QUYẾT" are one header."""
    text = unicodedata.normalize("NFKD", header.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", " ", text).strip().casefold()


@dataclass
class LineIndex:
    """Where each table and key of a TOML text starts, by its path: ('figures', 3, 'pending') -> line."""

    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\" ]+?)\s*=")


def index_lines(text: str) -> LineIndex:
    """A light scan of hand-written TOML for line numbers (tomllib does not report them)."""
    index = LineIndex()
    counters: dict[str, int] = {}
    current: tuple[str | int, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ARRAY_HEADER.match(line):
            name = match.group(1).strip()
            position = counters.get(name, -1) + 1
            counters[name] = position
            current = (name, position)
            # The array itself starts at its first table: a misspelt [[figure]] is located there.
            index.lines.setdefault((name,), number)
        elif match := _TABLE_HEADER.match(line):
            head, *rest = [part.strip().strip('"') for part in match.group(1).split(".")]
            current = (head, counters[head], *rest) if head in counters else (head, *rest)
        elif match := _KEY.match(line):
            keys = [part.strip().strip('"') for part in match.group(1).split(".")]
            index.lines.setdefault((*current, *keys), number)
            continue
        else:
            continue
        index.lines.setdefault(current, number)
    return index


def _read_bounded(handle: BinaryIO, limit: int) -> bytes:
    """At most one chunk past ``limit``: enough to know the input is too large, without holding all of it."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit and (chunk := handle.read(1 << 20)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_bytes(name: str, limit: int | None = None) -> bytes:
    """A file's bytes, or standard input's for ``-``; more than ``limit`` bytes is refused, not read."""
    limit = max_input_bytes() if limit is None else limit
    if name == STDIN:
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError("standard input is closed; give a data file or pipe one in")
        try:
            data = _read_bounded(sys.stdin.buffer, limit)
        except OSError as exc:
            raise UsageError(f"cannot read standard input ({exc.strerror})") from None
        if not data.strip():
            raise UsageError("standard input is empty; pipe a data file in or name one")
    else:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"{name}: no such file")
        if path.is_dir():
            raise UsageError(f"{name}: is a folder, not a data file")
        try:
            if path.stat().st_size > limit:
                raise too_large(name, max_input_bytes())
            # Read through a bound as well: pipes and /dev/stdin report no size.
            with path.open("rb") as handle:
                data = _read_bounded(handle, limit)
        except OSError as exc:
            raise UsageError(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise too_large(name, max_input_bytes())
    return data


_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# Letters and tone marks that only Vietnamese text has in Windows-1258 (it writes tones as combining marks).
_VIETNAMESE_1258 = frozenset("ăđơưĂĐƠƯ\u0300\u0301\u0303\u0309\u0323")


def _looks_like(raw: bytes) -> str:
    """A guess at the encoding a non-UTF-8 file is in, so that the user knows what to convert from."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            return f"it looks like {encoding} (byte-order mark {mark.hex(' ').upper()})"
    head = raw[:4096]
    if head.count(0) * 4 >= len(head):
        return "it looks like UTF-16 (every other byte is 0)"
    if 0 in raw:
        return "it contains NUL bytes: it looks like a binary file, not text"
    if _VIETNAMESE_1258.intersection(raw.decode("cp1258", errors="replace")):
        return "it looks like Windows-1258 (Vietnamese)"
    return "it looks like Windows-1252 or Latin-1"


def decode(name: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after a byte-order mark; the user's editor counts from the file's start.
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
    else:
        if "\0" not in text:
            return text
        offset = len(raw)
    # A NUL byte is valid UTF-8 but never text: UTF-16 without a byte-order mark, or a binary file.
    if 0 <= raw.find(0) < offset:
        offset = raw.find(0)
    detail = f"invalid byte 0x{raw[offset]:02x} at byte offset {offset}; {_looks_like(raw)}; save it as UTF-8"
    line = raw[:offset].count(b"\n") + 1
    raise InputError([error("encoding", detail=detail).located(file=name, line=line)]) from None
