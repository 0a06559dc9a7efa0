"""build(): discover → parse → assemble → render → write."""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.assemble import assemble
from sitegen.assets import make_assets, prune
from sitegen.cache import ParseCache
from sitegen.clock import build_now
from sitegen.config import SiteConfig, load_config
from sitegen.content import MAX_FILE_BYTES, ParseSettings, too_large, SourceFile, discover, parse_file
from sitegen.memo import NO_MEMO, Memo
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import Brief, LinkedFile, OutputFile, Page, Site
from sitegen.pages import registry
from sitegen.pages.kind import Asset
from sitegen.pages.registry import Registry
from sitegen.parallel import map_ordered
from sitegen.render import Job
from sitegen.search import index_site
from sitegen.sitecache import cache_root
from sitegen.socialcard import OFF_ENV, card_support
from sitegen.languages import check_languages, link_translations, split_languages
from sitegen.templates import builtin_theme_dir, make_environment, render_template
from sitegen.urls import is_email
from sitegen.writer import check_output_dir, write_site


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output: Path | None = None
    """Defaults to SITE_DIR/public."""
    base_url: str | None = None
    drafts: bool = False
    workers: int | None = None
    """Worker processes (`--jobs`); None = one per core."""
    page_kinds: Registry | None = None
    """The kinds of pages to make; None = pages.registry.DEFAULT (looked up at build time)."""
    now: str | None = None
    """`--now` as given; None: SOURCE_DATE_EPOCH, else the system clock (sitegen/clock.py)."""


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    output: Path
    notes: tuple[str, ...] = ()
    """Lines for the author that are not errors (e.g. that search is off)."""


ParsedSource = tuple[SourceFile, Brief | Page | None, tuple[Diagnostic, ...]]


def parse_source(settings: ParseSettings, f: SourceFile, data: bytes | None = None) -> ParsedSource:
    try:
        if data is None:
            # Read at most one byte past the limit: a huge file is refused, never loaded.
            with f.path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > MAX_FILE_BYTES:
                    return f, None, (too_large(f.shown, size),)
                data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return f, None, (Diagnostic(SourceLocation(f.shown, 1, 1), f"cannot read file: {e.strerror}"),)
    parsed = parse_file(f.kind, f.shown, data, settings)
    return f, parsed.item, parsed.diagnostics


def source_parser(config: SiteConfig) -> tuple[ParseSettings, Callable[..., ParsedSource]]:
    """How this site's content files are parsed: the settings (a cache key) and the function."""
    settings = ParseSettings(config.timezone, config.unsafe_html)
    return settings, functools.partial(parse_source, settings)


def load_site(options: BuildOptions, cache: ParseCache | None = None, memo: Memo = NO_MEMO,
              changed: Sequence[SourceFile] | None = None) -> tuple[SiteConfig, Site]:
    """Everything but rendering: raises BuildFailed with every problem found.

    With a cache and a memo (serve keeps one of each), unchanged files are not parsed
    again and unchanged groupings are not recomputed. `changed`: every content file changed
    since the cache was last used (serve passes the watcher's report), or None when that is
    not known; then every file's stat is checked.
    """
    site_dir = options.site_dir
    errors: list[Diagnostic] = []
    try:
        config = load_config(site_dir, options.base_url)
    except BuildFailed as e:
        # Keep going with the defaults so content errors are reported in the same run.
        errors.extend(e.diagnostics)
        config = SiteConfig()
    config = memo.same("config", config)
    try:
        now = build_now(options.now, config.tz)
    except BuildFailed as e:
        errors.extend(e.diagnostics)
        now = build_now(None, config.tz, {})
    files, diags = discover(site_dir) if cache is None else cache.discover(site_dir, changed)
    settings, parse = source_parser(config)
    errors.extend(diags)
    briefs: list[Brief] = []
    pages: list[Page] = []
    if cache is None:
        parsed = map_ordered(parse, files, options.workers)
    else:
        shown = None if changed is None else {f.shown for f in changed}
        parsed = cache.parse_all(files, settings, parse, options.workers, shown)
    unparsed: set[str] = set()
    for f, item, item_diags in parsed:
        errors.extend(item_diags)
        if isinstance(item, Brief):
            briefs.append(item)
        elif isinstance(item, Page):
            pages.append(item)
        elif item_diags and f.kind == "brief":
            unparsed.add(f.path.name[: -len(".md")])
    errors.extend(check_languages(config, briefs))
    sites = []
    # One site per language (sitegen/languages.py); a site in one language is the first alone.
    for i, (edition, mine, own_pages) in enumerate(split_languages(config, briefs, pages)):
        elsewhere = frozenset(b.slug for b in briefs) - {b.slug for b in mine}
        try:
            # Cross-file checks run even when some files failed, so one run reports everything;
            # slugs of files that failed to parse count as existing for related: links, and so do
            # briefs in other languages (related updates stay within a language).
            site = assemble(edition, mine, own_pages, options.drafts, unparsed_slugs=frozenset(unparsed) | elsewhere,
                            memo=memo if i == 0 else NO_MEMO, reserved_slugs=page_kinds(options).reserved_slugs,
                            now=now)
            errors.extend(missing_images(site_dir, site))
            sites.append(site)
        except BuildFailed as e:
            errors.extend(e.diagnostics)
    if errors:
        raise BuildFailed(errors)
    return config, link_translations(sites, config)


def missing_images(site_dir: Path, site: Site) -> list[Diagnostic]:
    """A brief's `image:` that names a file no static folder has: it would be a broken og:image."""
    dirs = static_dirs(site_dir)
    return [Diagnostic(b.image_location, f"image '{b.image}' is not in static/",
                       f"put the file at static/{b.image}, or correct the path")
            for b in site.briefs if b.image and "://" not in b.image and not any((d / b.image).is_file() for d in dirs)]


def page_kinds(options: BuildOptions) -> Registry:
    """The page kinds of a build: its own, or the default registry as it is now."""
    return options.page_kinds if options.page_kinds is not None else registry.DEFAULT


@dataclass(frozen=True)
class _Renderer:
    site_dir: Path
    config: SiteConfig
    nav: tuple[tuple[str, str], ...]
    style: str = ""
    """CSS the page kinds add to every page (registry.style)."""

    @functools.cached_property
    def env(self):  # type: ignore[no-untyped-def]
        return make_environment(self.site_dir, self.config, self.nav, self.style)

    def __call__(self, job: Job) -> OutputFile:
        html = render_template(self.env, self.site_dir, job.template, job.context, job.rendering)
        return OutputFile(job.path, html.encode("utf-8"))


def page_renderer(site: Site, site_dir: Path, kinds: Registry, memo: Memo = NO_MEMO) -> _Renderer:
    return _Renderer(site_dir, site.config, kinds.nav(site), kinds.style(site, memo))


class CollectErrors:
    """A renderer that returns its errors instead of raising them: one broken page does not
    hide the others, and errors cross process boundaries as data."""

    def __init__(self, renderer: Callable[[Job], OutputFile]):
        self.renderer = renderer

    def __call__(self, job: Job) -> tuple[OutputFile | None, tuple[Diagnostic, ...]]:
        try:
            return self.renderer(job), ()
        except BuildFailed as e:
            return None, e.diagnostics


def render_site(site: Site, options: BuildOptions, notes: list[str] | None = None,
                assets: Sequence[Asset] | None = None) -> Iterator[OutputFile | LinkedFile]:
    """Yield every output file of the site (pages, social cards, feeds, sitemap, ...). If pages
    fail to render, raise BuildFailed with every template error once all pages were tried.
    `assets`: the cached binary outputs to make (social cards, the CJK font) in the site's
    .sitegen/ folder; None: those the page kinds list (check, which writes nothing, passes ());
    lines about them go to `notes`. A multilingual site's other languages follow, under /<lang>/."""
    yield from _render_one(site, options, notes, assets)
    for edition in site.editions:
        prefix = edition.config.language + "/"
        listed = () if assets is not None and not assets else None
        for f in _render_one(edition, options, notes, listed):
            if f.path not in ROOT_ONLY:
                yield dataclasses.replace(f, path=prefix + f.path)


ROOT_ONLY = frozenset({"robots.txt", ".nojekyll", "CNAME"})
"""Files a host reads at the site's root only: a language's part of the site does not repeat them."""


def all_assets(site: Site, kinds: Registry) -> list[Asset]:
    """The cached binary outputs of every language of the site (what build keeps in .sitegen/)."""
    return [a for one in (site, *site.editions) for a in kinds.assets(one)]


def _render_one(site: Site, options: BuildOptions, notes: list[str] | None,
                assets: Sequence[Asset] | None) -> Iterator[OutputFile | LinkedFile]:
    kinds = page_kinds(options)
    jobs = kinds.jobs(site)
    errors: list[Diagnostic] = []
    renderer = CollectErrors(page_renderer(site, options.site_dir, kinds))
    for f, diags in map_ordered(renderer, jobs, options.workers):
        errors.extend(diags)
        if f is not None and not errors:
            yield f
    if errors:
        raise BuildFailed(errors)
    listed = kinds.assets(site) if assets is None else assets
    if listed:
        made = make_assets(listed, cache_root(options.site_dir), options.workers)
        if notes is not None:
            notes.extend(f"not made: {note}" for note in made.notes)
        yield from made.files
    yield from kinds.files(site, jobs)


def static_dirs(site_dir: Path) -> list[Path]:
    """Folders copied as-is into the output, later ones winning: the theme's, then the site's."""
    return [builtin_theme_dir() / "static", site_dir / "static"]


def build(options: BuildOptions) -> BuildResult:
    start = time.perf_counter()
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise BuildFailed([Diagnostic(SourceLocation(str(site_dir), 1, 1), "site folder does not exist")])
    output = options.output if options.output is not None else site_dir / "public"
    check_output_dir(site_dir, output)
    config, site = load_site(options)
    counter = _Counter()
    notes: list[str] = []
    off = card_support()
    if off is not None and not off.startswith(OFF_ENV) and "social" in page_kinds(options).names:
        notes.append(f"social cards are off: {off}")  # brief pages then have no og:image

    def finish(staging: Path) -> None:
        if searchable(site, page_kinds(options)):
            result = index_site(staging)
            if result.note:
                notes.append(result.note)

    assets = page_kinds(options).assets(site)
    files = write_site(output, counter.count(render_site(site, options, notes, assets)), static_dirs(site_dir), finish)
    assets = all_assets(site, page_kinds(options))
    prune(cache_root(site_dir), assets)  # cached files this build did not use
    return BuildResult(counter.pages, files, time.perf_counter() - start, output, tuple(notes))


def searchable(site: Site, kinds: Registry) -> bool:
    """Whether the site gets a search index: it has the search page kind and a brief that is not
    a draft (Pagefind reads only pages marked data-pagefind-body; with none it would read all)."""
    return "search" in kinds.names and any(not b.draft for b in site.briefs)


class _Counter:
    def __init__(self) -> None:
        self.pages = 0

    def count(self, files):  # type: ignore[no-untyped-def]
        for f in files:
            if f.path.endswith(".html") and not is_email(f.path):
                self.pages += 1
            yield f
