"""Discover content files and parse each into a Brief or Page.

parse_file() is a pure function of (path, bytes, settings): the pipeline may run it in
worker processes and cache it by content hash.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.brieffields import model_values, prose_of
from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation
from sitegen.fieldreader import FieldReader
from sitegen.frontmatter import FrontMatterError, decode, split
from sitegen.markdown import MarkdownRenderer, make_markdown
from sitegen.model import TAXONOMY_KINDS, Brief, PackedHtml, Page
from sitegen.schema import validate_brief, validate_page
from sitegen.slotted import fast_state
from sitegen.urls import SLUG_RE
from sitegen.paths import escapes, real_root
from sitegen.fonts import cjk_in
from sitegen.reading import reading_minutes
from sitegen.yamlnodes import YamlError, load_located, yaml_diagnostic

BRIEFS_DIR = "content/briefs"
PAGES_DIR = "content"
MAX_FILE_BYTES = 1 << 20
"""1 MiB: ~150,000 words, ten times the longest brief anyone writes. markdown-it is roughly
linear but slow on hostile input (~25 µs per '![': a 1 MiB file of them takes ~15 s), so
this limit is what bounds the time any single file can cost a build."""


@dataclass(frozen=True)
class ParseSettings:
    timezone: str
    unsafe_html: bool


@fast_state
@dataclass(frozen=True, slots=True)
class SourceFile:
    kind: str
    """'brief' or 'page'."""
    shown: str
    """Path relative to the site directory, as printed in diagnostics."""
    path: Path


@dataclass(frozen=True)
class Parsed:
    item: Brief | Page | None
    diagnostics: tuple[Diagnostic, ...] = ()


def is_content_name(name: str) -> bool:
    """A Markdown file that is not hidden (editors' and tools' dot-files are skipped)."""
    return name.endswith(".md") and not name.startswith(".")


def discover(site_dir: Path) -> tuple[tuple[SourceFile, ...], tuple[Diagnostic, ...]]:
    """Every content/*.md page and content/briefs/*.md brief, sorted by path.

    Symlinks that lead outside the site directory are refused: content must not pull in
    files the author did not mean to publish.
    """
    files: list[SourceFile] = []
    diags: list[Diagnostic] = []
    root = real_root(site_dir)
    for kind, folder in (("page", PAGES_DIR), ("brief", BRIEFS_DIR)):
        base = site_dir / folder
        if not base.is_dir():
            continue
        base_inside = not escapes(base, root)  # a folder inside holds plain files that cannot escape
        for entry in sorted(os.scandir(base), key=lambda e: e.name):
            if not is_content_name(entry.name):
                continue
            path = Path(entry.path)
            shown = f"{folder}/{entry.name}"
            if (entry.is_symlink() or not base_inside) and escapes(path, root):
                diags.append(Diagnostic(SourceLocation(shown, 1, 1), "symlink points outside the site directory",
                                        "copy the file into content/ instead of linking to it",
                                        code=Code.SYMLINK_ESCAPE))
                continue
            try:
                if not entry.is_file():  # follows links; a plain entry needs no extra system call
                    continue
            except OSError:  # a symlink loop
                continue
            files.append(SourceFile(kind, shown, path))
    return tuple(files), tuple(diags)


def rediscover(site_dir: Path, previous: tuple[SourceFile, ...],
               changed: Iterable[SourceFile]) -> tuple[SourceFile, ...] | None:
    """What discover() would return now, given its `previous` result (which had no
    diagnostics) and every content file that changed since (added, edited or removed; a
    change to a content folder itself needs discover()): no folder is listed again, so a
    watcher's report costs a few system calls rather than one per file. None when a changed
    file is not a plain file (a folder, a symlink): the caller runs discover() instead."""
    root = real_root(site_dir)
    by_shown: dict[str, SourceFile] | None = None
    for f in changed:
        if escapes(f.path.parent, root):
            return None
        try:
            st = os.lstat(f.path)
        except FileNotFoundError:
            st = None
        except OSError:
            return None
        if st is not None and not stat.S_ISREG(st.st_mode):
            return None
        if by_shown is None:
            by_shown = {f.shown: f for f in previous}
        if st is None:
            by_shown.pop(f.shown, None)
        elif f.shown not in by_shown:
            by_shown[f.shown] = f
    if by_shown is None or len(by_shown) == len(previous) and all(f.shown in by_shown for f in previous):
        return previous  # only edits: the same files, in the same order
    return tuple(sorted(by_shown.values(), key=lambda f: (f.kind != "page", f.shown)))


@functools.lru_cache(maxsize=2)
def _renderer(unsafe_html: bool) -> MarkdownRenderer:
    # One configured MarkdownIt per process and setting; it is never mutated after this.
    return make_markdown(unsafe_html)


def too_large(shown: str, size: int) -> Diagnostic:
    return Diagnostic(SourceLocation(shown, 1, 1),
                      f"file is {size / (1 << 20):.1f} MiB; content files are limited to 1 MiB",
                      "shorten it or split it into several briefs", code=Code.FILE_TOO_LARGE)


def parse_file(kind: str, shown: str, data: bytes, settings: ParseSettings) -> Parsed:
    if len(data) > MAX_FILE_BYTES:
        return Parsed(None, (too_large(shown, len(data)),))
    try:
        text = decode(shown, data)
        parts = split(shown, text)
    except FrontMatterError as e:
        return Parsed(None, (e.diagnostic,))
    try:
        doc = load_located(parts.yaml_text)
    except YamlError as e:
        return Parsed(None, (yaml_diagnostic(shown, text, e, parts.yaml_first_line - 1),))
    reader = FieldReader(doc, shown, text, parts.yaml_first_line - 1)
    md = _renderer(settings.unsafe_html)
    stem = Path(shown).name[: -len(".md")]
    if kind == "page":
        page = validate_page(reader)
        slug = _default_slug(reader, stem, page[1] if page else None)
        if page is None or slug is None:
            return Parsed(None, tuple(reader.diags))
        title, _, summary, draft = page
        if draft:
            return Parsed(None)
        return Parsed(Page(shown, slug, reader.location(("slug",)), title, summary, md.render(parts.body)))
    checked = validate_brief(reader, ZoneInfo(settings.timezone))
    slug = _default_slug(reader, stem, checked.get("slug") if checked else None)
    if checked is None or slug is None:
        return Parsed(None, tuple(reader.diags))
    body_html = md.render(parts.body)
    brief = Brief(
        source_path=shown,
        slug=slug,
        slug_location=reader.location(("slug",)) if "slug" in checked else SourceLocation(shown, 1, 1),
        body_html=PackedHtml.pack(body_html),
        reading_minutes=reading_minutes([*prose_of(checked), body_html]),
        cjk_chars=cjk_in(text),
        term_locations=tuple(_term_locations(reader, checked)),
        **model_values(checked, md.render_inline),
    )
    return Parsed(brief)


def _term_locations(reader: FieldReader, checked: dict[str, Any]) -> Iterator[tuple[str, str, SourceLocation]]:
    """(taxonomy, name, where) of every term a brief names: where to point at a slug clash."""
    for kind in TAXONOMY_KINDS:
        if kind.field == "source":
            yield kind.key, checked["source"]["name"], reader.location(("source", "name"))
        else:
            for i, name in enumerate(checked.get(kind.field, ())):
                yield kind.key, name, reader.location((kind.field, i))


def _default_slug(reader: FieldReader, stem: str, explicit: str | None) -> str | None:
    if explicit is not None:
        return explicit
    data = reader.doc.data
    if reader.diags and isinstance(data, dict) and "slug" in data:
        return None
    if not SLUG_RE.match(stem):
        reader.error((), f"file name '{stem}.md' does not make a valid slug",
                     "rename the file using letters, digits and '-', or set slug: in the front matter",
                     code=Code.INVALID_SLUG)
        return None
    return stem
