"""Diagnostics that carry a source location, and the exception that carries them.

Every user mistake becomes a Diagnostic; stages collect all of theirs and raise one
BuildFailed at the end. A build (and serve) reports every config and content error at
once; pages are rendered only from valid content, and then every template error is
reported at once too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.codes import Code
from sitegen.slotted import fast_state


@fast_state
@dataclass(frozen=True, order=True, slots=True)  # slots: a site holds ~8 per brief (tags, sources)
class SourceLocation:
    path: str
    """Path as shown to the user (relative to the site directory when possible)."""
    line: int = 1
    """1-based line number."""
    col: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    location: SourceLocation
    message: str
    hint: str = ""
    """How to fix it, printed under the message."""
    source_line: str = ""
    """The offending line of the file, shown with a caret under the column."""
    severity: str = "error"
    code: Code = Code.ERROR
    """The rule it breaks: stable, for machines (--format json, GitHub annotations)."""

    def format(self) -> str:
        out = [f"{self.location}: {self.severity}: {self.message}"]
        if self.source_line:
            shown = self.source_line.replace("\t", " ")
            out.append(f"    {shown}")
            out.append("    " + " " * (max(self.location.col, 1) - 1) + "^")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


def format_report(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], outcome: str, noun: str = "error") -> str:
    """Every diagnostic as `path:line:col` text, then the count line: '2 errors' + `outcome`
    ('; nothing was written.'). build, check and serve all report this way."""
    n = len(diagnostics)
    body = "\n".join(d.format() for d in diagnostics)
    return f"{body}\n{n} {noun}{'s' if n != 1 else ''}{outcome}"


def sort_diagnostics(diags: list[Diagnostic] | tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    """Stable, reproducible order: by file, line, column, then message."""
    return tuple(sorted(diags, key=lambda d: (d.location, d.message)))


class SitegenError(Exception):
    """Base of every error caused by the user's input (never a bug of ours)."""


class BuildFailed(SitegenError):
    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__(self.report())

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Picklable, so an error raised in a render worker process reaches the CLI intact.
        return (BuildFailed, (self.diagnostics,))

    def report(self) -> str:
        return format_report(self.diagnostics, "; nothing was written.")


def line_of(text: str, line: int) -> str:
    """The 1-based `line` of `text`, or '' when out of range."""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
