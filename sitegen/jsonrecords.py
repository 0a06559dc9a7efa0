"""Records out of a JSON or JSON Lines file, each with the line and column it starts at.

JSON Lines is read one line at a time, so a file of any size costs the memory of its longest
line; a line that does not parse is reported and the next one is still read. A file that starts
with '[' (a JSON array), or is named *.json, is one document: it is read whole, and a syntax
error ends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation

def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's decoder takes NaN and Infinity; the standard does not


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SPACE = " \t\n\r"


@dataclass(frozen=True)
class Record:
    data: Any
    location: SourceLocation
    """Where the record starts: `file:N:1` for line N of a JSON Lines file."""


def _syntax(shown: str, line: int, col: int, message: str) -> Diagnostic:
    return Diagnostic(SourceLocation(shown, line, col), f"invalid JSON: {message}",
                      "each record is one JSON object; a JSON Lines file has one object per line",
                      code=Code.JSON_SYNTAX)


def _not_utf8(shown: str, line: int, e: UnicodeDecodeError) -> Diagnostic:
    return Diagnostic(SourceLocation(shown, line, e.start + 1), f"file is not valid UTF-8 (byte 0x{e.object[e.start]:02x})",
                      "save the file as UTF-8", code=Code.ENCODING)


def read_records(path: Path, shown: str) -> Iterator[Record | Diagnostic]:
    """Each record, or a Diagnostic where the file cannot be read as JSON."""
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf" + _SPACE.encode())
    if head.startswith(b"[") or path.suffix.lower() == ".json":
        yield from _document(path, shown)
    else:
        yield from _lines(path, shown)


def _lines(path: Path, shown: str) -> Iterator[Record | Diagnostic]:
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield _not_utf8(shown, number, e)
                continue
            if not text.strip():
                continue  # blank lines (a trailing newline, spacing) are not records
            try:
                data = _DECODER.decode(text)
            except json.JSONDecodeError as e:
                yield _syntax(shown, number, e.colno, e.msg)
                continue
            except ValueError as e:  # NaN, Infinity
                yield _syntax(shown, number, 1, str(e))
                continue
            yield Record(data, SourceLocation(shown, number, len(text) - len(text.lstrip()) + 1))


def _document(path: Path, shown: str) -> Iterator[Record | Diagnostic]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        yield _not_utf8(shown, e.object.count(b"\n", 0, e.start) + 1, e)
        return
    pos = _skip(text, 0)
    if not text.startswith("[", pos):  # a single object
        try:
            data, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            yield _syntax(shown, e.lineno, e.colno, e.msg)
            return
        except ValueError as e:  # NaN, Infinity
            yield _syntax(shown, *_line_col(text, pos), str(e))
            return
        if _skip(text, end) != len(text):
            yield _syntax(shown, *_line_col(text, _skip(text, end)), "extra data after the record")
            return
        yield Record(data, SourceLocation(shown, *_line_col(text, pos)))
        return
    where = _Positions(text)
    pos = _skip(text, pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        try:
            data, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            yield _syntax(shown, e.lineno, e.colno, e.msg)
            return
        except ValueError as e:
            yield _syntax(shown, *where.line_col(pos), str(e))
            return
        yield Record(data, SourceLocation(shown, *where.line_col(pos)))
        pos = _skip(text, end)
        if text.startswith("]", pos):
            if _skip(text, pos + 1) != len(text):
                yield _syntax(shown, *_line_col(text, _skip(text, pos + 1)), "extra data after the list")
            return
        if not text.startswith(",", pos):
            yield _syntax(shown, *_line_col(text, pos), "expected ',' or ']' after a record")
            return
        pos = _skip(text, pos + 1)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _line_col(text: str, pos: int) -> tuple[int, int]:
    return _Positions(text).line_col(pos)


class _Positions:
    """Line and column of offsets asked for in increasing order, counting each newline once
    (counting from the start for every record of a large array would be quadratic)."""

    def __init__(self, text: str):
        self.text, self.pos, self.line = text, 0, 1

    def line_col(self, pos: int) -> tuple[int, int]:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1
