"""build(): discover → parse → assemble → render → write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fnmatch
import functools
import os
import shutil
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen import collector, lastbuild
from sitegen.assemble import assemble
from sitegen.assets import make_assets, prune
from sitegen.buildcache import Store, StoredParse, TreeStore, key_of, link_tree
from sitegen.cache import Fingerprinter, ParseCache, TemplateDeps, digest, render_key
from sitegen.clock import build_now, stable_window
from sitegen.config import ConfigFailed, SiteConfig, load_config
from sitegen.content import MAX_FILE_BYTES, ParseSettings, too_large, SourceFile, discover, parse_file
from sitegen.memo import NO_MEMO, Memo
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import Brief, LinkedFile, OutputFile, Page, Site
from sitegen.pages import registry
from sitegen.pages.kind import Asset
from sitegen.pages.search import BUNDLE as SEARCH_BUNDLE
from sitegen.pages.registry import Registry
from sitegen.parallel import map_ordered
from sitegen.progress import Progress
from sitegen.render import Job, cards_of, page_entries
from sitegen.search import (GLOB as SEARCH_GLOB, SearchIndex, Shard, binary_stamp, index_shards,
                            pages_per_index, shard_plan, shard_store)
from sitegen.sitecache import cache_root
from sitegen.socialcard import OFF_ENV, card_support
from sitegen.pages.social import cards_on
from sitegen.languages import check_languages, link_translations, split_languages
from sitegen.templates import builtin_theme_dir, make_environment, render_template
from sitegen.urls import is_email
from sitegen.uptodate import (Manifest, Stamp, content_digest, inputs_digest, load_manifest, output_reuse, record,
                              save_manifest, up_to_date)
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
    cache_dir: Path | None = None
    """The persistent cache (`--cache-dir`); None: SITE_DIR/.sitegen."""
    no_cache: bool = False
    """`--no-cache`: read and keep nothing between builds (cards are made in a temporary folder)."""


def cache_dir(options: BuildOptions) -> Path:
    return options.cache_dir if options.cache_dir is not None else cache_root(options.site_dir)


def open_store(options: BuildOptions) -> Store | None:
    return None if options.no_cache else Store(cache_dir(options))


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
    if data is None:
        read = read_source(f)
        if not isinstance(read, bytes):
            return read
        data = read
    parsed = parse_file(f.kind, f.shown, data, settings)
    return f, parsed.item, parsed.diagnostics


def read_source(f: SourceFile) -> bytes | ParsedSource:
    """The file's bytes, or the result of a file that cannot be read or is too large."""
    try:
        # Read at most one byte past the limit: a huge file is refused, never loaded.
        with f.path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return f, None, (too_large(f.shown, size),)
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return f, None, (Diagnostic(SourceLocation(f.shown, 1, 1), f"cannot read file: {e.strerror}",
                                    code=Code.UNREADABLE),)


def parse_stored(files: Sequence[SourceFile], settings: ParseSettings, store: Store,
                 workers: int | None) -> Iterator[ParsedSource]:
    """Every file parsed, taking what the persistent cache has (by the file's bytes, path and
    the settings) and storing what it had not. Only the bytes of files to parse are kept."""
    unreadable: list[ParsedSource] = []

    def readable() -> Iterator[tuple[SourceFile, bytes]]:
        for f in files:
            data = read_source(f)
            if isinstance(data, bytes):
                yield f, data
            else:
                unreadable.append(data)  # unreadable or too large: reported, never cached

    yield from parse_pairs_stored(readable(), settings, store, workers)
    yield from unreadable


def parse_pairs_stored(pairs: Iterable[tuple[SourceFile, bytes]], settings: ParseSettings, store: Store,
                       workers: int | None, pack: bool = True) -> Iterator[ParsedSource]:
    """(file, bytes) pairs parsed, in order: from the persistent cache when it has them.
    `pack`: read the cache's pack of a whole build first (buildcache.PACK), and write a new one
    when more than PACK_SLACK of these files were not in it (serve, parsing one edited file,
    passes False)."""
    salt = repr(settings).encode()
    found: list[ParsedSource | None] = []
    keys: list[str] = []
    misses: list[tuple[SourceFile, bytes, str]] = []
    unpacked = 0
    with collector.paused():  # unpickling 10,000 briefs: collections would rescan them as they come
        packed = store.load_pack(salt) if pack else {}
        for f, data in pairs:
            key = key_of(salt, f.kind.encode(), f.shown.encode(), data)
            keys.append(key)
            hit = packed.get(key)
            if hit is None:
                unpacked += 1
                hit = store.load("parse", key)
            found.append(None if hit is None else (f, *hit[1:]))  # the stored SourceFile may name another checkout
            if hit is None:
                misses.append((f, data, key))
    parse = StoredParse(functools.partial(parse_source, settings))
    made = zip(misses, map_ordered(parse, [(f, d) for f, d, _ in misses], workers))
    results: dict[str, ParsedSource] = {}
    for result, key in zip(found, keys):
        if result is None:
            (f, _, key), pickled = next(made)
            store.save("parse", key, pickled)
            result = (f, *pickle.loads(pickled)[1:])
        store.note_origin(result[1], key)
        results[key] = result
        yield result
    del packed  # the results of files edited since: garbage now
    if pack and unpacked > max(PACK_SLACK, len(keys) // 20):
        store.save_pack(results, salt)


def _stored_parser(settings: ParseSettings, store: Store, workers: int | None,
                   ) -> Callable[[list[tuple[SourceFile, bytes]]], Iterator[ParsedSource]]:
    """serve's parse of the files it has not in memory: through the persistent cache, reading
    the pack only for many files at once (a first build; an edit parses a file or two)."""
    def many(pairs: list[tuple[SourceFile, bytes]]) -> Iterator[ParsedSource]:
        return parse_pairs_stored(pairs, settings, store, workers, pack=len(pairs) > PACK_SLACK)

    return many


PACK_SLACK = 50
"""Files a build may find outside the pack (edited, added) before it writes a new pack: writing
one takes about a second at 10,000 briefs, so not on every edit."""


def source_parser(config: SiteConfig) -> tuple[ParseSettings, Callable[..., ParsedSource]]:
    """How this site's content files are parsed: the settings (a cache key) and the function."""
    settings = ParseSettings(config.timezone, config.unsafe_html)
    return settings, functools.partial(parse_source, settings)


def load_site(options: BuildOptions, cache: ParseCache | None = None, memo: Memo = NO_MEMO,
              changed: Sequence[SourceFile] | None = None, progress: Progress | None = None,
              store: Store | None = None) -> tuple[SiteConfig, Site]:
    """Everything but rendering: raises BuildFailed with every problem found.

    With a cache and a memo (serve keeps one of each), unchanged files are not parsed
    again and unchanged groupings are not recomputed. `changed`: every content file changed
    since the cache was last used (serve passes the watcher's report), or None when that is
    not known; then every file's stat is checked. `store`: the persistent cache (default: the
    site's, unless options.no_cache); used when there is no in-memory `cache`.
    """
    site_dir = options.site_dir
    errors: list[Diagnostic] = []
    try:
        config = load_config(site_dir, options.base_url)
    except BuildFailed as e:
        # Keep going with the keys that were right (or the defaults) so content errors are
        # reported in the same run.
        errors.extend(e.diagnostics)
        config = e.config if isinstance(e, ConfigFailed) else SiteConfig()
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
    store = store if store is not None else open_store(options)
    if cache is None and store is not None:
        parsed: Iterable[ParsedSource] = parse_stored(files, settings, store, options.workers)
    elif cache is None:
        parsed = map_ordered(parse, files, options.workers)
    else:
        shown = None if changed is None else {f.shown for f in changed}
        many = None if store is None else _stored_parser(settings, store, options.workers)
        parsed = cache.parse_all(files, settings, parse, options.workers, shown, many)
    progress = progress if progress is not None else Progress()
    unparsed: set[str] = set()
    for f, item, item_diags in progress.stage("parse", parsed, len(files)):
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
            with progress.timed("assemble", len(mine)):
                site = assemble(edition, mine, own_pages, options.drafts,
                                unparsed_slugs=frozenset(unparsed) | elsewhere, memo=memo if i == 0 else NO_MEMO,
                                reserved_slugs=page_kinds(options).reserved_slugs, now=now)
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
                       f"put the file at static/{b.image}, or correct the path", code=Code.MISSING_IMAGE)
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

    @property
    def globals_key(self) -> tuple[object, ...]:
        """What every page may read besides its context and templates: a render key covers it."""
        return self.config, self.nav, self.style, self.env.globals["style_version"]

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
                assets: Sequence[Asset] | None = None, progress: Progress | None = None,
                store: Store | None = None, asset_root: Path | None = None,
                ) -> Iterator[OutputFile | LinkedFile]:
    """Yield every output file of the site (pages, social cards, feeds, sitemap, ...). If pages
    fail to render, raise BuildFailed with every template error once all pages were tried.
    `assets`: the cached binary outputs to make (social cards, the CJK font) in `asset_root`
    (default: the cache folder); None: those the page kinds list (check, which writes nothing,
    passes ()); lines about them go to `notes`. `store`: the persistent cache; pages it has
    are linked from it rather than rendered, and pages it lacks are rendered into it.
    A multilingual site's other languages follow, under /<lang>/."""
    progress = progress if progress is not None else Progress()
    yield from _render_one(site, options, notes, assets, progress, store, asset_root, recorded=not site.editions)
    listed = () if assets is not None and not assets else None
    yield from render_editions(site, options, notes, listed, progress, store, asset_root)


def render_editions(site: Site, options: BuildOptions, notes: list[str] | None = None,
                    assets: Sequence[Asset] | None = None, progress: Progress | None = None,
                    store: Store | None = None, asset_root: Path | None = None,
                    ) -> Iterator[OutputFile | LinkedFile]:
    """Every output file of a multilingual site's other languages, under /<lang>/ (serve makes
    them whole on every rebuild: its incremental paths cover the default language)."""
    progress = progress if progress is not None else Progress()
    for edition in site.editions:
        prefix = edition.config.language + "/"
        for f in _render_one(edition, options, notes, assets, progress, store, asset_root):
            if f.path not in ROOT_ONLY:
                yield dataclasses.replace(f, path=prefix + f.path)


ROOT_ONLY = frozenset({"robots.txt", ".nojekyll", "CNAME"})
"""Files a host reads at the site's root only: a language's part of the site does not repeat them."""


def all_assets(site: Site, kinds: Registry) -> list[Asset]:
    """The cached binary outputs of every language of the site (what build keeps in .sitegen/)."""
    return [a for one in (site, *site.editions) for a in kinds.assets(one)]


def _render_one(site: Site, options: BuildOptions, notes: list[str] | None, assets: Sequence[Asset] | None,
                progress: Progress, store: Store | None, asset_root: Path | None, recorded: bool = False,
                ) -> Iterator[OutputFile | LinkedFile]:
    """One language's files. `recorded`: this is the site's only language, so with a store it may
    patch the last build's record (sitegen/lastbuild.py) and keeps its own for the next build."""
    kinds = page_kinds(options)
    renderer = page_renderer(site, options.site_dir, kinds)
    recorded = recorded and store is not None and options.page_kinds is None
    fingerprints = Fingerprinter()
    with progress.timed("jobs"):
        cards = cards_of(site)
        known = known_digests(site, cards, store) if store is not None else {}
        seed_known(fingerprints, site, cards, known)
        shape, patched, record = "", None, None
        if recorded:
            assert store is not None
            deps = TemplateDeps(renderer.env)
            shape = lastbuild.shape_digest(site, fingerprints, kinds.names, cards_on(),
                                           fingerprints.digest(renderer.globals_key), deps.everything())
            record = lastbuild.load(store)
            patched = lastbuild.patch(record, shape, site, cards, known, kinds, store)
        if patched is not None:
            jobs, made_by = patched.jobs, list(patched.record.kinds)
        else:
            by_kind = kinds.jobs_by_kind(site, cards)
            jobs = [job for _, some in by_kind for job in some]
            made_by = [kind.name for kind, some in by_kind for _ in some]
    errors: list[Diagnostic] = []
    todo: Sequence[Job] = jobs
    pages: list[tuple[str, str]] = []
    if store is not None:
        with progress.timed("page keys", len(jobs)):
            keys = page_keys(renderer, jobs, fingerprints)
        fresh = {job.path: job for job in jobs}
        pages = patched.pages(keys) if patched is not None else [(job.path, key) for job, key in zip(jobs, keys)]
        todo = []
        for i, (path, key) in enumerate(pages):
            # A patch checked that every page it does not make again is in the cache.
            if (patched is not None and path not in fresh) or store.has("pages", key):
                yield LinkedFile(path, store.file("pages", key), key)
            else:
                todo.append(jobs[i] if patched is None else fresh[path])
        key_at = dict(pages)
    rendered = map_ordered(CollectErrors(renderer), todo, options.workers)
    for f, diags in progress.stage("render+write", rendered, len(todo)):
        errors.extend(diags)
        if f is None or errors:
            continue
        if store is not None:
            key = key_at[f.path]
            yield LinkedFile(f.path, store.save("pages", key, f.data, pickled=False), key)
        else:
            yield f
    if errors:
        raise BuildFailed(errors)
    entries = patched.entries(page_entries(jobs)) if patched is not None else page_entries(jobs)
    if recorded:
        assert store is not None
        kept = lastbuild.keep(record, shape, site, known, pages, made_by, entries)
        if kept is not None:
            lastbuild.save(store, kept)
    listed = kinds.assets(site) if assets is None else assets
    if listed:
        with progress.timed("assets", len(listed)):
            made = make_assets(listed, asset_root if asset_root is not None else cache_dir(options), options.workers)
        if notes is not None:
            notes.extend(f"not made: {note}" for note in made.notes)
        yield from made.files
    memo = lastbuild.FileMemo(store, fingerprints) if recorded and store is not None else None
    files = kinds.files(site, entries, NO_MEMO if memo is None else memo)
    if store is not None:
        files = (f if isinstance(f, LinkedFile) else store.keep_file(f) for f in files)
    yield from progress.stage("feeds+files", files)
    if memo is not None:
        memo.save()


def page_keys(renderer: _Renderer, jobs: Sequence[Job], fingerprints: Fingerprinter | None = None) -> list[str]:
    """Each job's render key: its template and every template that one reaches, the
    Environment's globals and the job's context (sitegen/cache.py). `fingerprints`: may hold
    digests of objects known without pickling them (seed_known)."""
    fingerprints = fingerprints if fingerprints is not None else Fingerprinter()
    deps = TemplateDeps(renderer.env)
    env_digest = fingerprints.digest(renderer.globals_key)
    return [key_of(render_key(job, fingerprints, deps, env_digest)) for job in jobs]


CARD_DIGESTS = "card-digests"
"""The parse entry holding {parse key: the digest of that brief's card}."""


def known_digests(site: Site, cards: Mapping[str, Brief], store: Store) -> dict[str, tuple[bytes, bytes]]:
    """Slug -> digests of the brief and its card, known without pickling them (pickling 10,000 of
    each took most of a one-brief rebuild's render keys). A brief that is the very object loaded
    from a parse entry is digested by that entry's key, which covers the file's bytes, path,
    settings and sitegen's code. Its card is digested by value, as before, but once: the digest
    is kept by parse key, so a body edit that leaves the card as it was leaves every list page's
    key too. A brief assemble replaced is not the loaded object: it is left out (pickled as before)."""
    table: dict[str, bytes] = store.load("parse", CARD_DIGESTS) or {}
    fresh: dict[str, bytes] = {}
    fingerprints = Fingerprinter()
    out: dict[str, tuple[bytes, bytes]] = {}
    for b in site.briefs:
        key = store.origin(b)
        if key is None:
            continue
        d = table.get(key) or fingerprints.digest(cards[b.slug])
        fresh[key] = d
        out[b.slug] = (digest(b"brief\0" + key.encode()), d)
    if fresh.keys() - table.keys():
        # Other languages' briefs stay listed; the table is trimmed when it outgrows the site.
        kept = {**table, **fresh} if len(table) < 2 * len(fresh) + 1000 else fresh
        store.save("parse", CARD_DIGESTS, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def seed_known(fingerprints: Fingerprinter, site: Site, cards: Mapping[str, Brief],
               known: Mapping[str, tuple[bytes, bytes]]) -> None:
    """Have `fingerprints` take the known digests of these briefs and cards (by identity)."""
    for b in site.briefs:
        if b.slug in known:
            brief_digest, card_digest = known[b.slug]
            fingerprints.seed(b, brief_digest)
            fingerprints.seed(cards[b.slug], card_digest)


def static_dirs(site_dir: Path) -> list[Path]:
    """Folders copied as-is into the output, later ones winning: the theme's, then the site's."""
    return [builtin_theme_dir() / "static", site_dir / "static"]


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the site into its output folder. `progress`: shows and times the stages
    (the CLI passes one that draws on a terminal)."""
    start = time.perf_counter()
    progress = progress if progress is not None else Progress()
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise BuildFailed([Diagnostic(SourceLocation(str(site_dir), 1, 1), "site folder does not exist",
                                      code=Code.UNREADABLE)])
    output = options.output if options.output is not None else site_dir / "public"
    check_output_dir(site_dir, output)
    store = open_store(options)
    inputs, trusted, content = "", False, ""
    if store is not None and options.page_kinds is None:
        inputs, trusted = inputs_digest(site_dir, (output, store.root),
                                        (str(output.absolute()), options.base_url, options.drafts))
        same = unchanged_output(store.root, output, inputs, options.now)
        if same is not None:
            return BuildResult(same.pages, same.files, time.perf_counter() - start, output,
                               (*same.notes, UNCHANGED_NOTE))
        content = content_digest(site_dir, (options.base_url, options.drafts), store.root)
        replayed = replay(store, output, content, options.now, static_dirs(site_dir))
        if replayed is not None:
            if trusted:
                record(store.root, output, dataclasses.replace(replayed[1], inputs=inputs))
            return dataclasses.replace(replayed[0], seconds=time.perf_counter() - start)
    config, site = load_site(options, progress=progress, store=store)
    counter = _Counter()
    notes: list[str] = []
    off = card_support()
    if off is not None and not off.startswith(OFF_ENV) and "social" in page_kinds(options).names:
        notes.append(f"social cards are off: {off}")  # brief pages then have no og:image

    def finish(staging: Path, left: str | None) -> str | None:
        if not searchable(site, page_kinds(options)):
            shutil.rmtree(staging / SEARCH_BUNDLE, ignore_errors=True)  # a spare's old bundle
            return None
        with progress.timed("search"):
            result, counter.search_tree = index_cached(staging, shard_plan(site), counter.searched, store, left)
        if result.note:
            notes.append(result.note)
        return counter.search_tree

    assets = page_kinds(options).assets(site)
    with contextlib.ExitStack() as stack:
        stack.enter_context(collector.frozen())  # the site lives until the end: no collection rescans it
        # --no-cache: cards are made in a temporary folder, deleted after the build
        asset_root = cache_dir(options) if store is not None else Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="sitegen-nocache-")))
        try:
            files = write_site(output, counter.count(render_site(site, options, notes, assets, progress, store,
                                                                 asset_root)),
                               static_dirs(site_dir), finish,
                               None if store is None else output_reuse(store.root, output))
        finally:
            progress.done()
    if store is not None:
        prune(asset_root, all_assets(site, page_kinds(options)))  # cached files this build did not use
        store.prune(("parse", "pages", "files"))
        valid = stable_window(site.now, config.tz, [e for one in (site, *site.editions) for e in one.clock_events])
        if trusted:
            st = os.stat(output)
            record(store.root, output, Stamp(inputs, (st.st_dev, st.st_ino), valid[0].timestamp(),
                                             valid[1].timestamp(), counter.pages, files, tuple(notes), config.timezone))
        if content and counter.manifest is not None:
            save_manifest(store.root, content, Manifest(
                tuple((path, _relative(source, store.root)) for path, source in counter.manifest),
                counter.search_tree, valid[0].timestamp(), valid[1].timestamp(), counter.pages, tuple(notes),
                config.timezone))
    return BuildResult(counter.pages, files, time.perf_counter() - start, output, tuple(notes))


def _relative(path: Path | str, root: Path) -> str:
    """`path` relative to `root`; most are inside it, and os.path.relpath was a second per 24,000 files."""
    prefix, text = f"{root}/", str(path)
    return text[len(prefix):] if text.startswith(prefix) and "/../" not in text else os.path.relpath(path, root)


REPLAYED_NOTE = "these files were built before: the output was linked from the build cache"


def replay(store: Store, output: Path, content: str, now_option: str | None,
           static: Sequence[Path]) -> tuple[BuildResult, Stamp] | None:
    """When the cache holds a build of exactly these input files (by their bytes) that is still
    exact now, write that build's files again from the cache: no parse, no render, no index."""
    manifest = load_manifest(store.root, content, _clock(now_option))
    if manifest is None:
        return None
    root = os.fspath(store.root)
    files = [LinkedFile(path, f"{root}/{rel}", rel) for path, rel in manifest.files]
    search = None if manifest.search is None else store.root / manifest.search

    def finish(staging: Path, left: str | None) -> str | None:
        bundle = staging / SEARCH_BUNDLE
        if left is not None and left == manifest.search and bundle.is_dir():
            return left  # a spare that has this very bundle
        shutil.rmtree(bundle, ignore_errors=True)
        if search is not None:
            link_tree(search, bundle)
        return manifest.search

    count = write_site(output, files, static, finish, output_reuse(store.root, output))
    st = os.stat(output)
    stamp = Stamp("", (st.st_dev, st.st_ino), manifest.valid_from, manifest.valid_until, manifest.pages, count,
                  manifest.notes, manifest.tz)
    return BuildResult(manifest.pages, count, 0.0, output, (*manifest.notes, REPLAYED_NOTE)), stamp


def latest_manifest(options: BuildOptions) -> tuple[Manifest, Path] | None:
    """serve's head start: the manifest of a cached build of exactly these inputs (by their
    bytes, with these options) that is still exact now, and the cache folder its paths are
    in; None when the cache holds none."""
    store = open_store(options)
    if store is None or options.page_kinds is not None:
        return None
    content = content_digest(options.site_dir, (options.base_url, options.drafts), store.root)
    manifest = load_manifest(store.root, content, _clock(options.now))
    return None if manifest is None else (manifest, store.root)


UNCHANGED_NOTE = "nothing changed since the last build: its output is still exact, and was kept"


def unchanged_output(cache: Path, output: Path, inputs: str, now_option: str | None) -> Stamp | None:
    """The last build's stamp if its output is still exactly what this build would make."""
    return up_to_date(cache, output, inputs, _clock(now_option))


def _clock(now_option: str | None) -> Callable[[str], dt.datetime | None]:
    """The build's moment, given the site timezone's name (None: the build reports its clock)."""
    def clock(tz: str) -> dt.datetime | None:
        try:
            return build_now(now_option, ZoneInfo(tz))
        except (ValueError, ZoneInfoNotFoundError, BuildFailed):
            return None

    return clock


def searchable(site: Site, kinds: Registry) -> bool:
    """Whether the site gets a search index: it has the search page kind and a brief that is not
    a draft (Pagefind reads only pages marked data-pagefind-body; with none it would read all)."""
    return "search" in kinds.names and any(not b.draft for b in site.briefs)


def index_cached(staging: Path, plan: Sequence[Shard], keys: Mapping[str, str] | None,
                 store: Store | None, left: str | None = None) -> tuple[SearchIndex, str | None]:
    """Pagefind's bundle for the staged site: from the cache when the pages it reads are the
    same as a build before (by their keys, `keys`: output path -> page key), else made, each
    shard of `plan` linked from the cache when its pages are as before, and kept. Pagefind's
    own output is not reproducible (its file names vary run to run), so this also keeps a
    rebuild's bundle byte-identical when no brief page changed. Also returns where the cache
    keeps the bundle (relative to the cache folder), for the build's manifest. `left`: that of
    the bundle already in `staging` (a spare folder's), kept if it is still the one."""
    stamp = binary_stamp()
    bundle = staging / SEARCH_BUNDLE
    if keys is None or store is None or stamp is None:
        shutil.rmtree(bundle, ignore_errors=True)  # a spare's old bundle
        return index_shards(staging, plan), None
    trees = TreeStore(store.root, "search")
    whole = key_of(b"pagefind", stamp, str(pages_per_index()).encode(),
                   "\n".join(f"{path}\0{k}" for path, k in sorted(keys.items())).encode())
    if left == trees.relative(whole) and bundle.is_dir() and trees.touch(whole):
        return SearchIndex(True), left  # the spare folder has this very bundle
    shutil.rmtree(bundle, ignore_errors=True)
    if trees.get(whole, bundle):
        return SearchIndex(True), trees.relative(whole)

    def shard_key(shard: Shard) -> str | None:
        if any(p not in keys for p in shard.pages):
            return None  # a page without a key: the shard cannot be looked up
        return key_of(b"pagefind-shard", stamp, "\n".join(f"{p}\0{keys[p]}" for p in shard.pages).encode())

    result = index_shards(staging, plan, trees=shard_store(store.root, "search-shards", plan), key=shard_key)
    if result.indexed:
        trees.put(whole, bundle)
    return result, trees.relative(whole) if result.indexed else None


class _Counter:
    """Counts pages as they stream to the writer, notes the keys of what Pagefind reads, and
    lists the cache files the output links (the build's manifest; None once a file is not one)."""

    def __init__(self) -> None:
        self.pages = 0
        self.searched: dict[str, str] | None = {}
        """Output path -> page key of each page Pagefind reads (None once one has no key)."""
        self.manifest: list[tuple[str, Path | str]] | None = []
        self.search_tree: str | None = None

    def count(self, files):  # type: ignore[no-untyped-def]
        for f in files:
            if f.path.endswith(".html") and not is_email(f.path):
                self.pages += 1
            if self.manifest is not None:
                if isinstance(f, LinkedFile):
                    self.manifest.append((f.path, f.source))
                else:
                    self.manifest = None
            if self.searched is not None and fnmatch.fnmatchcase(f.path, SEARCH_GLOB):
                if isinstance(f, LinkedFile):
                    self.searched[f.path] = f.key
                else:
                    self.searched = None  # a page without a key: the bundle cannot be looked up
            yield f
