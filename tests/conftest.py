"""Shared fixtures: inline sites written from a dict, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root; text is dedented."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def brief(title: str = "A brief", date: str = "2026-05-02T08:14:00+08:00", extra: str = "",
          body: str = "Some analysis.") -> str:
    """A minimal valid brief; `extra` is appended front matter (already indented at column 0)."""
    return (
        "---\n"
        f'title: "{title}"\n'
        f"date: {date}\n"
        "source:\n"
        "  name: Example News\n"
        "  url: https://example.com/a\n"
        'summary: "A one-line hook"\n'
        f"{textwrap.dedent(extra).strip()}\n"
        "---\n"
        f"{body}\n"
    )


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(files: dict[str, str | bytes]) -> Path:
        return write_site(tmp_path / "site", files)

    return make


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen ARGS` in a subprocess, as a user would."""
    # The repository's package, whether or not it is installed and wherever pytest runs from.
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))
    full_env = {**os.environ, "PYTHONPATH": pythonpath, **(env or {})}
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli


def tree_bytes(root: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file under root ({} when root does not exist)."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
