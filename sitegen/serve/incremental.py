"""Incremental rebuilds into a live output folder, for `sitegen serve`.

A rebuild is given the changes the watcher reported, classified (serve/watch.py), and
takes the cheapest way that is still exact: only briefs changed and only their bodies →
patch the last round (those briefs' pages and the feeds); content or static files changed
and the site's shape did not → run the stages through the memo and make again only the page
jobs that show a changed brief; anything else (config, layouts, a content folder, nothing
known) → run every stage through the memo. Then it renders only the jobs whose key changed
and writes only the files whose bytes changed (serve/output.py).
The result is byte-identical to a clean `sitegen build` of the same files (a property
test checks it). A failed rebuild raises BuildFailed before touching the output, so the
last good site stays in place.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.buildcache import key_of
from sitegen.cache import Fingerprinter, ParseCache, StatSig, TemplateDeps, render_key
from sitegen.content import SourceFile
from sitegen.errors import BuildFailed
from sitegen.parallel import map_ordered
from sitegen.pages.kind import Edit, PageKind, index_links
from sitegen.search import Shard, shard_plan
from sitegen.pipeline import (BuildOptions, CollectErrors, load_site, open_store, page_kinds, page_renderer,
                              render_editions, searchable, source_parser)
from sitegen.memo import NO_MEMO, Memo
from sitegen.assets import make_assets
from sitegen.model import Brief, LinkedFile, OutputFile, Site
from sitegen.sitecache import cache_root
from sitegen.render import Job, card, card_of, cards_of, page_entries
from sitegen.serve.output import LiveOutput, Staged, walk_files
from sitegen.serve.rounds import Round
from sitegen.serve.watch import ChangeBatch, ChangeKind
from sitegen.templates import builtin_theme_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildResult:
    rendered: tuple[str, ...]
    """Page jobs rendered this time (output paths)."""
    written: tuple[str, ...]
    """Files whose bytes changed on disk."""
    removed: tuple[str, ...]
    seconds: float
    pages: int
    """Page jobs in the site."""
    base_path: str
    """Where the site is served: '/' or '/repo/'."""
    way: str = "full"
    """How it was done: 'body' (only brief bodies changed: the last round patched), 'shape'
    (the site's shape unchanged: only jobs showing a changed brief made again), 'full'."""

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


_LIST_AGAIN = frozenset({ChangeKind.CONFIG, ChangeKind.LAYOUT, ChangeKind.CONTENT_FOLDER})


def first_way(changes: ChangeBatch | None) -> str:
    """The cheapest way a rebuild may take for these changes ('body', 'shape' or 'full'); a
    way falls back to the next when the files turn out to need more (a body edit that also
    changed the front matter, a brief added)."""
    if changes is None or changes.kinds & _LIST_AGAIN:
        return "full"
    return "body" if changes.kinds == {ChangeKind.BRIEF} else "shape"


def content_changes(changes: ChangeBatch | None, site_dir: Path) -> tuple[SourceFile, ...] | None:
    """The content files among `changes`, named as discover() names them; None when the
    content folders must be listed again (one of them changed, or nothing is known)."""
    if changes is None or ChangeKind.CONTENT_FOLDER in changes.kinds:
        return None
    # ChangeKind.BRIEF and PAGE have SourceFile's kinds as values.
    return tuple(SourceFile(c.kind.value, c.rel, site_dir / c.rel) for c in changes.of(ChangeKind.BRIEF, ChangeKind.PAGE))


class LiveSite:
    """One site being served: owns its caches and its output folder."""

    def __init__(self, options: BuildOptions, output: Path):
        self.options = options
        self.site_dir = options.site_dir
        self.output = output.absolute()
        self.parse_cache = ParseCache()
        self.store = open_store(options)
        """The persistent build cache: the first build reads it (parsed files, pages)."""
        self.fingerprints = Fingerprinter()
        self._renderer = None
        self._renderer_key: tuple[bytes, tuple[tuple[str, StatSig], ...]] | None = None
        self._deps: TemplateDeps | None = None
        self._out = LiveOutput(self.output)
        self.memo = Memo()
        self._round: Round | None = None
        self._env_generation = 0
        """Counts Environments: render keys are reused only within one."""
        self._env_key: tuple[int, bytes] | None = None
        self._job_keys: dict[int, tuple[Job, bytes]] = {}
        self._in_step = False
        """The caches saw every change up to the last rebuild, so the next one may trust a
        report of what changed since. False at first and after an unexpected error (a bug,
        Ctrl-C) may have left them part-updated: then every file is checked."""

    @property
    def search_plan(self) -> tuple[Shard, ...] | None:
        """The last good site's search shards; None when it gets no index (pipeline.searchable)."""
        r = self._round
        return shard_plan(r.site) if r is not None and searchable(r.site, page_kinds(self.options)) else None

    # --- the rebuild --------------------------------------------------------------------------
    def rebuild(self, changes: ChangeBatch | None = None) -> RebuildResult:
        """Bring the output folder up to date. `changes`: every input change since the last
        rebuild, classified (the watcher's and the rescan's report); None when that is not
        known (the first build): every file is checked."""
        start = time.perf_counter()
        if not self._in_step:
            changes = None
        self._in_step = False
        self._out.discard_staged()  # anything an interrupted rebuild left
        try:
            way = first_way(changes)
            result = None
            if way == "body":
                result = self._body_edit(content_changes(changes, self.site_dir) or (), start)
            if result is None:
                result = self._through_stages(changes, way != "full", start)
        except BuildFailed:
            self._in_step = True  # a mistake in the files: the caches are in step with them
            raise
        self._in_step = True
        return result

    def _through_stages(self, changes: ChangeBatch | None, patch: bool, start: float) -> RebuildResult:
        """Every stage through the memo; with `patch`, the last round's page jobs are patched
        when the site's shape turns out unchanged ('shape'), else all are made ('full')."""
        previous, self._round = self._round, None  # until this rebuild succeeds, no good round to patch
        memo = self.memo
        config, site = load_site(self.options, self.parse_cache, memo, content_changes(changes, self.site_dir),
                                 store=self.store)
        renderer = self._current_renderer(site, changes is None or ChangeKind.LAYOUT in changes.kinds)
        patched = self._patch_jobs(previous, site) if previous is not None and patch else None
        if patched is not None:
            jobs, cards, job_at, wanted_keys = patched
        else:
            cards = cards_of(site, memo)
            jobs = page_kinds(self.options).jobs(site, cards, memo)
            keys = self._keys(jobs, renderer)
            # Later jobs win a path, as when the writer writes them in order.
            wanted_keys = {}
            job_at = {}
            for i, (job, key) in enumerate(zip(jobs, keys)):
                wanted_keys[job.path] = key
                job_at[job.path] = i
        page_keys = self._out.page_keys
        todo = [jobs[i] for path, i in job_at.items() if page_keys.get(path) != wanted_keys[path]]
        static = self._out.scan_static(self.site_dir)
        result = self._render_and_commit(renderer, todo, site, jobs, wanted_keys, static, start, job_at)
        if patched is None:
            memo.end_round()  # a patched round used only part of the memo: keep the rest
            self._round = Round(site, jobs, job_at, wanted_keys, static, cards, self._env_generation)
        else:
            assert previous is not None
            self._round = previous.successor(site, jobs=jobs, wanted_keys=wanted_keys, static=static, cards=cards)
        return dataclasses.replace(result, base_path=config.base_path, way="full" if patched is None else "shape")

    def _patch_jobs(self, r: Round, site: Site):  # type: ignore[no-untyped-def]
        """The page jobs of `site` made from the last round's when its shape is unchanged
        (same config, pages, weeks, taxonomies, briefs in the same order): only the pages
        that show a changed brief are made again, instead of walking all of them. None when
        the shape changed: every kind then makes every job (through the memo)."""
        old = r.site
        if (site.config is not old.config or site.pages != old.pages or site.weeks is not old.weeks
                or site.taxonomies is not old.taxonomies or len(site.briefs) != len(old.briefs)
                or site.today != old.today or site.series is not old.series
                or site.stories is not old.stories or site.offline != old.offline
                or self._env_generation != r.env_generation):
            return None
        changed = [(b, b0) for b, b0 in zip(site.briefs, old.briefs) if b is not b0]
        if any(b.slug != b0.slug for b, b0 in changed):
            return None
        memo = self.memo
        cards = dict(r.cards)
        for b, _ in changed:
            cards[b.slug] = card_of(b, memo)
        new_cards = {b.slug for b, _ in changed if cards[b.slug] is not r.cards[b.slug]}
        # Briefs whose related links changed, and those showing a changed card.
        relinked: set[str] = set()
        if site.related is not old.related:
            relinked.update(s for s, links in site.related.items() if old.related.get(s) != links)
        if new_cards:
            linked_from = r.linked_from if site.related is old.related else index_links(site.related)
            relinked.update(s for slug in new_cards for s in linked_from.get(slug, ()))
        edit = Edit(frozenset(b.slug for b, _ in changed), frozenset(new_cards), frozenset(relinked),
                    functools.partial(r.terms_with, slugs=new_cards))
        fresh = self._after(r, site, cards, edit)
        if fresh is None or any(job.path not in r.job_at for job in fresh):
            return None  # a kind made a page the last round did not have, or lost one: make them all
        jobs, wanted_keys, _ = self._swap_in(r, fresh)
        return jobs, cards, r.job_at, wanted_keys

    def _after(self, r: Round, site: Site, cards: Mapping[str, Brief], edit: Edit) -> list[Job] | None:
        """Registry.after, each kind's pages held to those it makes for the last round's site."""
        def had(kind: PageKind) -> set[str]:
            return {job.path for job in kind.after(r.site, r.cards, NO_MEMO, edit)}

        return page_kinds(self.options).after(site, cards, self.memo, edit, had)

    def _swap_in(self, r: Round, fresh: list[Job]) -> tuple[list[Job], dict[str, bytes], list[Job]]:
        """The last round's jobs and render keys with `fresh` jobs put in their places (same
        paths); also returns the jobs that really replaced another."""
        jobs = list(r.jobs)
        wanted_keys = dict(r.wanted_keys)
        swapped = []
        for job in fresh:
            i = r.job_at[job.path]
            if jobs[i] is job:
                continue
            self._job_keys.pop(id(jobs[i]), None)
            jobs[i] = job
            wanted_keys[job.path] = self._key(job)
            swapped.append(job)
        return jobs, wanted_keys, swapped

    def _key(self, job: Job) -> bytes:
        """A job's render key in the current Environment, remembered by identity."""
        assert self._deps is not None and self._env_key is not None
        key = render_key(job, self.fingerprints, self._deps, self._env_key[1])
        self._job_keys[id(job)] = (job, key)
        return key

    def _body_edit(self, files: tuple[SourceFile, ...], start: float) -> RebuildResult | None:
        """The fast path for the edit authors make most: only the bodies of published briefs
        changed (each brief's card, everything but its body, is unchanged). Then nothing but
        those briefs' pages and the feeds that carry their bodies can change, so the last
        good round is patched instead of walking 10,000 files. Returns None when the change
        is anything else (or does not parse): the stages handle it. Trusts the watcher's
        list of changed files, as Hugo and Zola do."""
        r = self._round
        if r is None or not files or any(f.shown not in r.by_path for f in files) or r.site.editions:
            return None  # a multilingual site's other languages are made through the stages
        site = r.site
        changed: dict[str, Brief] = {}
        for f, (_, item, diags) in zip(files, self.parse_cache.reparse(files, *source_parser(site.config))):
            old = r.by_path[f.shown]
            if diags or not isinstance(item, Brief) or card(item) != card(old):
                return None
            changed[item.slug] = item
        by_slug = {**site.by_slug, **changed}
        site = dataclasses.replace(site, briefs=tuple(by_slug[b.slug] for b in site.briefs), by_slug=by_slug)
        assert self._renderer is not None
        kinds = page_kinds(self.options)
        if kinds.style(site, self.memo) != self._renderer.style or kinds.nav(site) != self._renderer.nav:
            return None  # e.g. the site's first CJK character (every page gets the @font-face), or its last prediction
        # The cards are the last round's: a body edit changes none.
        fresh = self._after(r, site, r.cards, Edit(frozenset(changed)))
        if fresh is None or any(job.path not in r.job_at for job in fresh):
            return None
        jobs, wanted_keys, swapped = self._swap_in(r, fresh)
        todo = [job for job in swapped if self._out.page_keys.get(job.path) != wanted_keys[job.path]]
        assert self._renderer is not None
        self._round = None  # until this rebuild succeeds, no good round to patch
        result = self._render_and_commit(self._renderer, todo, site, jobs, wanted_keys, r.static, start)
        self._round = r.successor(site, jobs=jobs, wanted_keys=wanted_keys)
        return dataclasses.replace(result, base_path=site.config.base_path, way="body")

    def _keys(self, jobs: list[Job], renderer) -> list[bytes]:  # type: ignore[no-untyped-def]
        """Render keys; a job that is the same object as last time keeps its key while the
        templates and globals are unchanged (the memo hands back identical jobs)."""
        assert self._deps is not None
        env_key = (self._env_generation, self.fingerprints.digest(renderer.globals_key))
        if env_key != self._env_key:
            self._env_key, self._job_keys = env_key, {}
        previous, self._job_keys = self._job_keys, {}
        self.fingerprints.new_round()
        keys = []
        for job in jobs:
            hit = previous.get(id(job))
            if hit is None or hit[0] is not job:
                hit = (job, render_key(job, self.fingerprints, self._deps, env_key[1]))
            keys.append(hit[1])
        self._job_keys = {id(job): (job, key) for job, key in zip(jobs, keys)}
        return keys

    def _current_renderer(self, site, layouts_changed: bool):  # type: ignore[no-untyped-def]
        """Reuse the Jinja environment (and its compiled templates) while nothing it depends on
        changed: the config and nav, the layouts (reported, or their stat signatures)."""
        renderer = page_renderer(site, self.site_dir, page_kinds(self.options), self.memo)
        key = (self.fingerprints.digest(renderer.globals_key), self._layout_sigs())
        if self._renderer is None or key != self._renderer_key or layouts_changed:
            self._renderer, self._renderer_key = renderer, key
            self._deps = TemplateDeps(renderer.env)
            self._env_generation += 1
        return self._renderer

    def _layout_sigs(self) -> tuple[tuple[str, StatSig], ...]:
        sigs = []
        for root in (self.site_dir / "layouts", builtin_theme_dir()):
            for rel in walk_files(root):
                try:
                    sigs.append((f"{root}/{rel}", StatSig.of(os.stat(root / rel))))
                except OSError:
                    continue
        if not (self.site_dir / "layouts").is_dir():
            sigs.append(("no site layouts", StatSig(0, 0, 0, 0)))
        return tuple(sigs)

    def _render_and_commit(self, renderer, todo: list[Job], site: Site, jobs: list[Job],  # type: ignore[no-untyped-def]
                           wanted_keys: dict[str, bytes], static: dict[str, Path], start: float,
                           job_at: dict[str, int] | None = None) -> RebuildResult:
        """Render `todo`, add every output that is not a page job (a file of theirs wins
        its path over a page job, as in a clean build), and commit it all to the folder."""
        generated: dict[str, OutputFile | Staged | LinkedFile] = {
            f.path: f for f in self._render(renderer, todo, wanted_keys)}
        kinds = page_kinds(self.options)
        assets = kinds.assets(site, self.memo)
        placed = self._out.linked
        # A card already in place under the same key is not even looked up in the cache.
        todo_assets = [a for a in assets if placed.get(a.path) != a.key]
        made = make_assets(todo_assets, cache_root(self.site_dir), self.options.workers if len(todo_assets) >= 400 else 1)
        made_at = {f.path: f for f in made.files}
        for a in assets:
            f = made_at.get(a.path) if placed.get(a.path) != a.key else LinkedFile(a.path, Path(), a.key)
            if f is not None:
                generated[a.path] = f
                wanted_keys.pop(a.path, None)
                if job_at is not None:
                    job_at.pop(a.path, None)
        # The other languages of a multilingual site, whole (a file whose bytes did not change
        # is not written again); then the default language's files.
        for f in [*render_editions(site, self.options, store=self.store),
                  *kinds.files(site, page_entries(jobs), self.memo)]:
            generated[f.path] = f
            wanted_keys.pop(f.path, None)
            if job_at is not None:
                job_at.pop(f.path, None)
        written, removed = self._out.commit(generated, wanted_keys, static)
        return RebuildResult(tuple(j.path for j in todo), written, removed, time.perf_counter() - start, len(jobs), "/")

    def _render(self, renderer, todo, keys: dict[str, bytes]):  # type: ignore[no-untyped-def]
        """Render jobs, collecting every template error; many jobs (a cold start, a config
        or layout change) use every core. Pages the persistent cache has (a page rendered by an
        earlier session with the same settings) are linked from it; rendered ones are kept there."""
        errors = []
        out: list[Staged | LinkedFile] = []
        store = self.store
        if store is not None:
            rest = []
            for job in todo:
                key = key_of(keys[job.path])
                if store.has("pages", key):
                    out.append(LinkedFile(job.path, store.path("pages", key), key))
                else:
                    rest.append(job)
            todo = rest
        try:
            for f, diags in map_ordered(CollectErrors(renderer), todo, self.options.workers if len(todo) >= 400 else 1):
                if f is not None:
                    if store is not None:
                        store.save("pages", key_of(keys[f.path]), f.data, pickled=False)
                    out.append(self._out.stage(f))  # on disk now: memory holds one page at a time
                errors.extend(diags)
        except BaseException:
            self._out.discard_staged()
            raise
        if errors:
            self._out.discard_staged()
            raise BuildFailed(errors)
        return out
