"""Diagnostics for machines: one JSON object per line, and GitHub Actions workflow commands.

The text report (errors.format_report) stays what people read; these carry the same
diagnostics, with their stable code, for pipelines (`--format json`) and for pull requests
(annotations when GITHUB_ACTIONS=true).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from sitegen.errors import Diagnostic

FORMATS = ("text", "json")


def as_json(d: Diagnostic) -> str:
    """One line of JSON; `file` is as the text report shows it (relative to the site folder)."""
    return json.dumps({
        "file": d.location.path, "line": d.location.line, "column": d.location.col,
        "severity": d.severity, "code": d.code.code, "rule": d.code.rule,
        "message": d.message, "hint": d.hint,
    }, ensure_ascii=False)


def json_lines(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(as_json(d) + "\n" for d in diagnostics)


def in_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def _data(text: str) -> str:
    # The runner's own escaping (actions/toolkit, core/src/command.ts), so a message stays one command.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(d: Diagnostic, site_dir: Path) -> str:
    """`::error file=content/briefs/a.md,line=8,col=7,title=SG103::message` (the hint on a second line).
    The file is made relative to where sitegen runs (the checkout), as GitHub expects; a location
    that is not a file (an option such as --now) gets no file, so the annotation is on the run."""
    level = "warning" if d.severity == "warning" else "error"
    where = Path(site_dir, d.location.path)
    props = []
    if where.is_file():
        shown = os.path.normpath(where)
        if os.path.isabs(shown) and Path(shown).is_relative_to(Path.cwd()):
            shown = os.path.relpath(shown)
        props += [f"file={_property(shown.replace(os.sep, '/'))}",
                  f"line={d.location.line}", f"col={d.location.col}"]
    props.append(f"title={_property(d.code.code)}")
    text = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
    return f"::{level} {','.join(props)}::{_data(text)}"


def github_commands(diagnostics: Iterable[Diagnostic], site_dir: Path) -> str:
    return "".join(github_command(d, site_dir) + "\n" for d in diagnostics)
