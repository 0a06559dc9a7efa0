"""Shared fixtures: inline sites written from a dict, and running the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
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


HOST_CI_VARIABLES = ("CI", "GITHUB_ACTIONS")
"""Set by the machine running the tests (.ci/run sets CI); sitegen changes what it prints under
them, so a test that wants them passes them itself."""


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for `python -m sitegen`: the repository's package, whether or not it is
    installed and wherever pytest runs from, and none of the host's CI variables."""
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))
    host = {k: v for k, v in os.environ.items() if k not in HOST_CI_VARIABLES}
    return {**host, "PYTHONPATH": pythonpath, **(env or {})}


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300,
            memory_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen ARGS` in a subprocess, as a user would; optionally with its
    address space capped at memory_bytes (to prove memory stays bounded)."""
    def limit() -> None:
        if memory_bytes:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, env=cli_env(env),
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli


def tree_bytes(root: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file under root ({} when root does not exist)."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


SEARCH_BUNDLE = "pagefind/"


def site_bytes(root: Path) -> dict[str, bytes]:
    """tree_bytes without the search index: Pagefind writes its filter chunks in a different
    order (and so under other hashed names) on every run, so only the pages are reproducible.
    Serve's LiveSite leaves indexing to its session (serve/search.py), so a live folder is
    compared with a clean build by these too. test_search.py checks the index itself."""
    return {k: v for k, v in tree_bytes(root).items() if not k.startswith(SEARCH_BUNDLE)}


_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data", "background"})
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


def executable_url(url: str) -> bool:
    """Would a browser run this URL? It drops leading C0/space and every tab/newline first."""
    cleaned = "".join(ch for ch in url.lstrip("".join(map(chr, range(0x21)))) if ch not in "\t\n\r")
    return cleaned.lower().startswith(_SCRIPT_SCHEMES)


class _MarkupAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:  # html.parser has already decoded entities in values
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in _URL_ATTRS and value and executable_url(value):
                self.problems.append(f"<{tag} {name}={value!r}> script URL")
        if tag == "script":
            kind = dict(attrs).get("type") or ""
            if kind != "application/ld+json":
                self.problems.append(f"<script type={kind!r}>")
            self._script_type = kind
        elif tag in ("iframe", "object", "embed", "base", "frame", "frameset"):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._script_type == "application/ld+json":
            try:
                json.loads(data)
            except ValueError:
                self.problems.append(f"ld+json that is not JSON (broken out of?): {data[:80]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None


def theme_page_scripts() -> list[str]:
    """Patterns for the theme's two scripts on every page (the stored dark-mode choice in <head>, the
    theme button), exactly as base.html writes them: the only script a page outside /search/ may hold."""
    template = (REPO / "layouts/base.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>.*?</script>", template, re.S)
    assert len(scripts) == 2 and not any("{{" in s or "{%" in s for s in scripts)
    return [re.escape(s) for s in scripts]


def unsafe_markup(html: str) -> list[str]:
    """Everything in `html` that could run script: [] means safe. Parsed, not grepped."""
    audit = _MarkupAudit()
    audit.feed(html)
    audit.close()
    return audit.problems


_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"?]+)\?v=[0-9a-f]+">')


def linked_css(root: Path, html: str, base_path: str = "/") -> str:
    """The text of the stylesheet a page links (every page links the site's one stylesheet)."""
    m = _STYLESHEET.search(html)
    assert m is not None, "the page links no stylesheet"
    assert m.group(1).startswith(base_path), m.group(1)
    return (root / m.group(1)[len(base_path):]).read_text(encoding="utf-8")
