"""What a build leaves for the next one, so that a build after a small edit makes and digests
only the page jobs the edit can reach instead of all of them (23,000 at 10,000 briefs).

serve does this in memory (serve/incremental.py compares its last round with the new site by
identity); a build is a new process, so it compares digests with a record the last build kept:

- `shape`: a digest of everything a page job reads besides the briefs, their cards and their
  related links: the renderer's globals, every template, the page kinds, the site's pages,
  weeks, taxonomies, series, stories, translations, the briefs' order, the date, and sitegen's
  own code;
- each brief's digest and its card's (pipeline.known_digests: by parse entry, not by pickling);
- the related links, and every page job's output path, page key, kind and sitemap entry, in order.

When the shape is the same, the briefs whose digests differ make an `Edit`, as serve's shape
path makes one, and each page kind makes again the jobs that edit reaches (PageKind.after);
every other page keeps its key from the record. A kind without a `remake` that the edit touches
makes all of its jobs, and they must be at the paths it had (an alias removed is a page gone).
Anything else (a brief added or removed, a template or the config edited) is a full build. A property test (tests/test_buildcache.py)
checks that builds taking this path give the bytes of a clean build.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sitegen.buildcache import Store, key_of
from sitegen.cache import Fingerprinter
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import LinkedFile, OutputFile, RelatedLink, Site
from sitegen.pages.kind import Cards, Edit, index_links, term_members, terms_listing
from sitegen.pages.registry import Registry
from sitegen.render import Job, PageEntry

def record_key() -> str:
    """The parse entry holding the last build's BuildRecord (one per cache folder). Keyed by
    sitegen's code, as every entry is: a record of another version's shape is never read."""
    return key_of(b"build-record")


def files_key() -> str:
    """The parse entry holding FileMemo's table of the last build's generated files."""
    return key_of(b"file-record")

R = TypeVar("R")

Known = Mapping[str, tuple[bytes, bytes]]
"""Slug -> (digest of the brief, digest of its card), for briefs loaded from parse entries."""


@dataclass(frozen=True)
class BuildRecord:
    shape: str
    briefs: dict[str, tuple[bytes, bytes]]
    related: dict[str, tuple[RelatedLink, ...]]
    pages: tuple[tuple[str, str], ...]
    """(output path, page key) of every page job, in order; no path twice."""
    kinds: tuple[str, ...]
    """The page kind that made each of them."""
    entries: tuple[PageEntry, ...]
    """The same jobs as the sitemap reads them."""


def shape_digest(site: Site, fingerprints: Fingerprinter, *more: object) -> str:
    """Everything page jobs read of the site but the briefs, cards and related links (`more`:
    what they read from elsewhere: the renderer's globals, the templates, the page kinds), and
    sitegen's own code (key_of): the recorded page keys were made by the code of their build."""
    return key_of(fingerprints.digest((more, site.pages, site.weeks, dict(site.week_of), site.taxonomies,
                                dict(site.series), site.stories, dict(site.offline), dict(site.translations),
                                dict(site.elsewhere), site.today, tuple([b.slug for b in site.briefs]))))


def load(store: Store) -> BuildRecord | None:
    record = store.load("parse", record_key())
    return record if isinstance(record, BuildRecord) else None


def save(store: Store, record: BuildRecord) -> None:
    store.save("parse", record_key(), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


def keep(old: BuildRecord | None, shape: str, site: Site, known: Known, pages: Sequence[tuple[str, str]],
         kinds: Sequence[str], entries: tuple[PageEntry, ...]) -> BuildRecord | None:
    """The record of this build, or None when the next build could not use it: a brief not loaded
    from a parse entry has no digest, and a path made twice has no one job to make again."""
    if len(known) != len(site.briefs) or len({p for p, _ in pages}) != len(pages):
        return None
    record = BuildRecord(shape, dict(known), dict(site.related), tuple(pages), tuple(kinds), entries)
    return None if record == old else record


def edit_since(record: BuildRecord, site: Site, known: Known) -> Edit | None:
    """What differs from the recorded build, as serve's Edit; None when the briefs are not the
    same ones (the shape covers their order)."""
    if known.keys() != record.briefs.keys():
        return None
    changed = frozenset(s for s, d in known.items() if d[0] != record.briefs[s][0])
    cards = frozenset(s for s in changed if known[s][1] != record.briefs[s][1])
    related, before = site.related, record.related
    relinked = {s for s in related.keys() | before.keys() if related.get(s, ()) != before.get(s, ())}
    if cards:  # the briefs showing a changed card
        linked_from = index_links(related)
        relinked.update(s for slug in cards for s in linked_from.get(slug, ()))
    members = term_members(site.taxonomies) if cards else {}
    return Edit(changed, cards, frozenset(relinked & site.by_slug.keys()),
                functools.partial(terms_listing, members, slugs=cards))


@dataclass(frozen=True)
class Patch:
    """The jobs an edit reaches, and the record whose other pages stay as they were."""

    jobs: list[Job]
    record: BuildRecord

    def pages(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """Every page's (path, key): the recorded ones, with this patch's jobs' `keys` in."""
        fresh = {job.path: key for job, key in zip(self.jobs, keys)}
        return [(path, fresh.get(path, key)) for path, key in self.record.pages]

    def entries(self, entries: Sequence[PageEntry]) -> tuple[PageEntry, ...]:
        fresh = {e.path: e for e in entries}
        return tuple([fresh.get(e.path, e) for e in self.record.entries])


def patch(record: BuildRecord | None, shape: str, site: Site, cards: Cards, known: Known, kinds: Registry,
          store: Store) -> Patch | None:
    """The page jobs to make after the edit since the recorded build, or None when every job
    must be made: no record, another shape, other briefs, a job at a path the record lacks, or
    a recorded page gone from the cache (it could not be linked, and its job is not made)."""
    if record is None or record.shape != shape:
        return None
    edit = edit_since(record, site, known)
    if edit is None:
        return None
    recorded: dict[str, set[str]] = {}
    for (path, _), kind_name in zip(record.pages, record.kinds):
        recorded.setdefault(kind_name, set()).add(path)
    jobs = kinds.after(site, cards, NO_MEMO, edit, lambda kind: recorded.get(kind.name, set()))
    if jobs is None:
        return None
    fresh = {job.path for job in jobs}
    if len(fresh) != len(jobs) or not fresh <= {p for p, _ in record.pages}:
        return None
    if not store.has_all("pages", [key for path, key in record.pages if path not in fresh]):
        return None
    return Patch(jobs, record)


class FileMemo(Memo):
    """The memo a build hands the page kinds' `files` (feeds, the sitemap): a file whose memo
    name and dependencies digest as they did in the last build is linked from the cache, not made
    again (1,100 feeds at 10,000 briefs, each decompressing and rendering up to 20 bodies). Exact
    by the memo's rule, that the dependencies cover everything the file is made from (serve's
    property test holds the kinds to it); the digests cover sitegen's code (buildcache.key_of).
    Anything but a file is computed as NO_MEMO would."""

    def __init__(self, store: Store, fingerprints: Fingerprinter):
        super().__init__()
        self.store = store
        self.fingerprints = fingerprints
        loaded = store.load("parse", files_key())
        self.before: dict[Hashable, tuple[str, str, str]] = loaded if isinstance(loaded, dict) else {}
        """Memo name -> (digest of the name and dependencies, output path, files key)."""
        self.now: dict[Hashable, tuple[str, str, str]] = {}
        self.made = 0

    def get(self, name: Hashable, deps: tuple[Any, ...], compute: Callable[[], R]) -> R:
        try:
            d = key_of(self.fingerprints.digest((name, deps)))
        except (pickle.PicklingError, TypeError, AttributeError):
            return compute()  # not digestible: made every time
        old = self.before.get(name)
        if old is not None and old[0] == d and self.store.has("files", old[2]):
            self.now[name] = old
            return LinkedFile(old[1], self.store.path("files", old[2]), old[2])  # type: ignore[return-value]
        result = compute()
        if not isinstance(result, OutputFile):
            return result
        self.made += 1
        kept = self.store.keep_file(result)
        self.now[name] = (d, kept.path, kept.key)
        return kept  # type: ignore[return-value]

    def save(self) -> None:
        """Keep this build's table (only the files it made or linked) when it changed."""
        if self.now != self.before:
            self.store.save("parse", files_key(), pickle.dumps(self.now, protocol=pickle.HIGHEST_PROTOCOL))
