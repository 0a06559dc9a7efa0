"""Split a content file into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation, line_of

_FENCE = "---"


@dataclass(frozen=True)
class Split:
    yaml_text: str
    body: str
    yaml_first_line: int
    """1-based file line of the first YAML line (the line after the opening ---)."""
    body_first_line: int


class FrontMatterError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def decode(path: str, data: bytes) -> str:
    """UTF-8 (a BOM is fine) with CRLF/CR normalised to LF."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise FrontMatterError(Diagnostic(
            SourceLocation(path, line, col), f"file is not valid UTF-8 (byte 0x{data[e.start]:02x})",
            "re-save the file with UTF-8 encoding", code=Code.ENCODING)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FrontMatterError(Diagnostic(SourceLocation(path, line, 1), "file contains NUL bytes (binary data?)",
                                          "content files must be UTF-8 text", code=Code.ENCODING))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(path: str, text: str) -> Split:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise FrontMatterError(Diagnostic(
            SourceLocation(path, 1, 1), "missing front matter: the file must start with a '---' line",
            "start the file with ---, the YAML keys (title, date, source, summary), then --- and the body",
            line_of(text, 1), code=Code.FRONT_MATTER))
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (_FENCE, "..."):
            return Split("\n".join(lines[1:i]), "\n".join(lines[i + 1:]), 2, i + 2)
    raise FrontMatterError(Diagnostic(
        SourceLocation(path, 1, 1), "front matter never closes",
        "add a line with just --- after the last front-matter key", line_of(text, 1), code=Code.FRONT_MATTER))
