"""`sitegen check`: everything `build` validates, plus links, anchors and images. Writes nothing.

Drafts are included. Every problem is a Diagnostic with the path:line:col of the link in
its source file. External http(s) links are checked only on request, with a timeout and a
limit on concurrent requests.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html.parser
import os
import posixpath
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen import __version__
from sitegen.config import SiteConfig
from sitegen.content import discover
from sitegen.deploy import deploy_warnings
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation, format_report, line_of, sort_diagnostics
from sitegen.frontmatter import FrontMatterError, decode, split
from sitegen.markdown import make_markdown
from sitegen.localize import format_moment
from sitegen.messages import SITE_DIR, missing_messages
from sitegen.model import Brief, Site
from sitegen.pipeline import BuildOptions, load_site, render_site
from sitegen.urls import brief_path, page_path


@dataclass(frozen=True)
class Link:
    url: str
    location: SourceLocation
    source_line: str
    image: bool
    page_rel: str
    """Site-relative URL of the page the link is on ('briefs/x/')."""
    source_path: str
    """The content file it is written in ('content/briefs/x.md')."""


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[Diagnostic, ...]
    files: int
    links: int
    external: int
    warnings: tuple[Diagnostic, ...] = ()
    """Things that do not fail the check but will bite later (the deployment setup)."""
    schedule: tuple[str, ...] = ()
    """What goes live or comes down next, soonest first (publish_at, expires)."""

    def report(self) -> str:
        """Every problem, then the count line; warnings are counted here and shown by warnings_report()."""
        w = len(self.warnings)
        warned = f", {w} warning{'s' if w != 1 else ''}" if w else ""
        if not self.problems:
            ext = f", {self.external} external" if self.external else ""
            return f"checked {self.files} files and {self.links} links{ext}: no problems{warned}"
        return format_report(self.problems, f" found{warned}.", noun="problem")

    def warnings_report(self) -> str:
        return "\n".join(d.format() for d in self.warnings)


# --- finding links in sources --------------------------------------------------------------

def find_links(shown: str, data: bytes, page_rel: str) -> list[Link]:
    """Every link and image in the Markdown body of a content file, with its file position."""
    try:
        text = decode(shown, data)
        parts = split(shown, text)
    except FrontMatterError:
        return []  # the build's own diagnostics report the file
    md = make_markdown(True).md
    body_lines = parts.body.split("\n")
    offset = parts.body_first_line - 1
    links: list[Link] = []
    for block in md.parse(parts.body):
        if block.type != "inline" or not block.children:
            continue
        start, end = block.map or (0, len(body_lines))
        for tok in block.children:
            if tok.type == "link_open":
                url, image = str(tok.attrGet("href") or ""), False
            elif tok.type == "image":
                url, image = str(tok.attrGet("src") or ""), True
            else:
                continue
            line, col = _locate(body_lines, start, end, url)
            links.append(Link(url, SourceLocation(shown, line + offset, col), line_of(text, line + offset),
                              image, page_rel, shown))
    return links


def _locate(lines: list[str], start: int, end: int, url: str) -> tuple[int, int]:
    """1-based (line, col) of `url` in the block's lines, else anywhere (reference definitions)."""
    needles = [n for n in dict.fromkeys((url, unquote(url))) if n]
    for lo, hi in ((start, end), (0, len(lines))):
        for i in range(lo, min(hi, len(lines))):
            for needle in needles:
                col = lines[i].find(needle)
                if col >= 0:
                    return i + 1, col + 1
    first = lines[start] if start < len(lines) else ""
    return start + 1, len(first) - len(first.lstrip()) + 1


# --- resolving internal links --------------------------------------------------------------

class _Ids(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def html_ids(data: bytes) -> set[str]:
    parser = _Ids()
    parser.feed(data.decode("utf-8", errors="replace"))
    return parser.ids


class _Outputs:
    """The would-be output folder: file paths, and the ids of the HTML pages links point into."""

    def __init__(self, files: dict[str, bytes | None]):
        self.files = files
        self._ids: dict[str, set[str]] = {}

    def target(self, rel: str) -> str | None:
        """The output file serving site-relative URL path `rel`, as a web server would find it."""
        for candidate in (rel, rel.rstrip("/") + "/index.html" if rel else "index.html"):
            if candidate in self.files:
                return candidate
        return None

    def ids(self, path: str) -> set[str]:
        if path not in self._ids:
            data = self.files.get(path)
            self._ids[path] = html_ids(data) if data is not None else set()
        return self._ids[path]


def check_internal(link: Link, outputs: _Outputs, base_path: str, content_pages: dict[str, str]) -> str | None:
    """The problem with an internal link, or None if it resolves (anchor included)."""
    parts = urlsplit(link.url)
    what = "image" if link.image else "link"
    if parts.scheme or parts.netloc:
        return None  # external or another scheme: not ours to resolve here
    fragment = unquote(parts.fragment)
    path = unquote(parts.path)
    if not path:
        target: str | None = outputs.target(link.page_rel)
    elif path.endswith(".md") and not path.startswith("/"):
        # A relative link to another content file, as editors and GitHub resolve it.
        source = posixpath.normpath(posixpath.join(posixpath.dirname(link.source_path), path))
        if source not in content_pages:
            return f"{what} to a content file that does not exist: {link.url}"
        target = outputs.target(content_pages[source])
    else:
        page_url = base_path + link.page_rel
        absolute = posixpath.normpath(posixpath.join(posixpath.dirname(page_url + "x"), path))
        if path.endswith("/") and not absolute.endswith("/"):
            absolute += "/"
        if not (absolute + "/").startswith(base_path):
            if path.startswith("/") and outputs.target(path.lstrip("/")) is not None:
                return (f"{what} {link.url} misses the base path: on the published site it is "
                        f"{base_path}{path.lstrip('/')}")
            return f"{what} points outside the site's base path {base_path}: {link.url}"
        target = outputs.target(absolute[len(base_path):] if absolute.startswith(base_path) else "")
        if target is None:
            return f"broken {what}: {link.url} (no such page or file in the site)"
    if fragment and target is not None and target.endswith(".html") and fragment not in outputs.ids(target):
        return f"anchor '#{fragment}' does not exist on {link.url.split('#')[0] or 'this page'}"
    if target is None:
        return f"broken {what}: {link.url}"
    return None


# --- external links ------------------------------------------------------------------------

def fetch_status(url: str, timeout: float) -> str | None:
    """None if the URL answers with a success (after redirects), else what went wrong."""
    headers = {"User-Agent": f"sitegen-check/{__version__}"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1)
                return None
        except urllib.error.HTTPError as e:
            if method == "HEAD" and e.code in (403, 404, 405, 429, 500, 501, 503):
                continue  # some servers refuse HEAD: ask again with GET
            return f"HTTP {e.code}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            return f"cannot reach it ({'timed out' if 'timed out' in str(reason) else reason})"
    return "no answer"


def check_external(urls: Iterable[str], timeout: float, concurrency: int,
                   fetch: Callable[[str, float], str | None] = fetch_status) -> dict[str, str]:
    """url -> problem, for every distinct URL that failed; at most `concurrency` requests at once."""
    distinct = sorted(set(urls))
    problems: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for url, problem in zip(distinct, pool.map(lambda u: fetch(u, timeout), distinct)):
            if problem:
                problems[url] = problem
    return problems


# --- the command ---------------------------------------------------------------------------

def check_site(options: BuildOptions, external: bool = False, timeout: float = 10.0,
               concurrency: int = 8) -> CheckResult:
    """Validate like build (drafts included), then check every link. Never writes."""
    options = replace(options, drafts=True)
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise BuildFailed([Diagnostic(SourceLocation(str(site_dir), 1, 1), "site folder does not exist",
                                      code=Code.UNREADABLE)])
    problems: list[Diagnostic] = []
    try:
        config, site = load_site(options)
    except BuildFailed as e:
        return CheckResult(e.diagnostics, 0, 0, 0)
    try:
        rendered = list(render_site(site, options, assets=()))
    except BuildFailed as e:
        return CheckResult(e.diagnostics, 0, 0, 0)
    files: dict[str, bytes | None] = {f.path: (f.data if f.path.endswith(".html") else None) for f in rendered}
    static = site_dir / "static"
    if static.is_dir():
        for p in static.rglob("*"):
            if p.is_file():
                files.setdefault(p.relative_to(static).as_posix(), None)
    outputs = _Outputs(files)
    problems += _follow_aliases(site, files)
    content_pages = _content_pages(site)
    links: list[Link] = []
    sources, _ = discover(site_dir)
    for f in sources:
        page_rel = content_pages.get(f.shown)
        if page_rel is None:
            continue
        links.extend(find_links(f.shown, f.path.read_bytes(), page_rel))
    external_links: list[tuple[str, SourceLocation, str]] = []
    for link in links:
        scheme = urlsplit(link.url).scheme.lower()
        if scheme in ("http", "https") or link.url.startswith("//"):
            url = "https:" + link.url if link.url.startswith("//") else link.url
            external_links.append((url, link.location, link.source_line))
            continue
        if scheme:
            continue  # mailto:, tel:, ...
        problem = check_internal(link, outputs, config.base_path, content_pages)
        if problem:
            problems.append(Diagnostic(link.location, problem, _hint(problem), link.source_line, code=Code.BROKEN_LINK))
    if external:
        failed = check_external((u for u, _, _ in external_links), timeout, concurrency)
        for url, where, line in external_links:
            if url in failed:
                problems.append(Diagnostic(where, f"external link {url}: {failed[url]}", "", line,
                                           code=Code.EXTERNAL_LINK))
    return CheckResult(sort_diagnostics(problems), len(sources), len(links),
                       len({u for u, _, _ in external_links}) if external else 0,
                       sort_diagnostics(deploy_warnings(site_dir, config, os.environ) + translation_warnings(config)),
                       upcoming(site))


def translation_warnings(config: SiteConfig) -> list[Diagnostic]:
    """The theme's messages that have no translation in each of the site's languages: readers see English."""
    out = []
    for messages in (config.messages, *config.other_messages):
        missing = missing_messages(messages)
        if not missing:
            continue
        code = messages.language
        listed = "; ".join(f'"{m}"' for m in missing)
        out.append(Diagnostic(SourceLocation(f"{SITE_DIR}/{code}.yaml", 1, 1),
                              f"{len(missing)} of the theme's messages have no {messages.locale.get_display_name('en')} "
                              f"translation, so they show in English: {listed}",
                              f"add them to {SITE_DIR}/{code}.yaml, for example "
                              f'"{missing[0]}": "..." (the format: README, Languages)', "", "warning",
                              code=Code.CATALOG))
    for messages in config.other_messages:
        written = [t for t, default in ((config.title, SiteConfig.title), (config.description, SiteConfig.description))
                   if t != default]  # the default title is not the author's words
        untranslated = [t for t in written if not messages.has(t)]
        if untranslated:
            code = messages.language
            out.append(Diagnostic(SourceLocation(f"{SITE_DIR}/{code}.yaml", 1, 1),
                                  f"the site's {' and '.join('title' if t == config.title else 'description' for t in untranslated)} "
                                  f"{'has' if len(untranslated) == 1 else 'have'} no {messages.locale.get_display_name('en')} "
                                  f"version, so the /{code}/ pages show {'it' if len(untranslated) == 1 else 'them'} as in sitegen.yaml",
                                  f'add it to {SITE_DIR}/{code}.yaml: "{untranslated[0]}": "..."', "", "warning",
                                  code=Code.CATALOG))
    return out


def _follow_aliases(site: Site, files: dict[str, bytes | None]) -> list[Diagnostic]:
    """Each old address must serve a redirect to the brief's page, and that page must exist."""
    problems = []
    for b in site.briefs:
        target = brief_path(b.slug)
        for alias, where in zip(b.aliases, b.alias_locations):
            page = files.get(brief_path(alias) + "index.html") or b""
            refresh = f'content="0; url={site.config.base_path}{target}"'.encode()
            if refresh not in page or (target + "index.html") not in files:
                problems.append(Diagnostic(where, f"alias '{alias}' does not redirect to /{target}",
                                           "a layout or static file may have replaced the redirect page; remove it",
                                           code=Code.BROKEN_ALIAS))
    return problems


def upcoming(site: Site) -> tuple[str, ...]:
    """'content/briefs/x.md goes live 3 Dec 2026, 07:00 UTC (in 2 days)' for each change to come."""
    events = []
    for b in site.briefs:
        if b.draft:
            continue
        if b.publish_at is not None and b.publish_at > site.now:
            events.append((b.publish_at, f"{b.source_path} goes live"))
        if b.expires is not None and b.expires > site.now:
            events.append((b.expires, f"{b.source_path} expires"))
    return tuple(f"{what} {format_moment(when)} (in {_until(when - site.now)})" for when, what in sorted(events))


def _until(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} days"


def _hint(problem: str) -> str:
    if problem.startswith("anchor"):
        return "use the id of a heading on that page (headings get ids from their text)"
    if "content file" in problem:
        return "link to the file's path relative to this file, e.g. other-brief.md"
    if "base path" in problem:
        return "use a relative link, or include the base path"
    return "fix the URL, or add the missing page or file (static files go in static/)"


def _content_pages(site: Site) -> dict[str, str]:
    """Source file -> site-relative URL of its page."""
    out: dict[str, str] = {}
    for item in (*site.briefs, *site.pages):
        out[item.source_path] = brief_path(item.slug) if isinstance(item, Brief) else page_path(item.slug)
    return out

