"""Which file changes matter to a rebuild, and the loop that reports them.

classify_change() is pure (paths in, a kind out: no file system access), so it is
table-tested; it is the only place a changed path is classified. watch_site() is the loop
around watchfiles, with a periodic rescan (serve/rescan.py) for the events a watcher misses;
both feed the same classified batches.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath

from sitegen.config import CONFIG_NAME
from sitegen.messages import SITE_DIR as CATALOGS_DIR
from sitegen.content import BRIEFS_DIR, PAGES_DIR, is_content_name
from sitegen.serve.rescan import RESCAN_SECONDS, relook, rescan

log = logging.getLogger(__name__)


class ChangeKind(enum.Enum):
    CONFIG = "config"
    """sitegen.yaml: everything may change."""
    BRIEF = "brief"
    """content/briefs/*.md (the value is SourceFile.kind)."""
    PAGE = "page"
    """content/*.md (the value is SourceFile.kind)."""
    CONTENT_FOLDER = "content folder"
    """content/ or content/briefs/ itself appeared, vanished or was renamed: list it again."""
    LAYOUT = "layout"
    """A template or the stylesheet it includes."""
    STATIC = "static"


_EDITOR_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".kate-swp", ".bak")
_PAGES = PurePosixPath(PAGES_DIR).parts
_BRIEFS = PurePosixPath(BRIEFS_DIR).parts


def _is_editor_temp(name: str) -> bool:
    """Backup, swap and lock files editors write next to the file being edited."""
    return (name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES)
            or name == "4913")  # vim's probe that a folder is writable


def classify_change(site_dir: PurePath, path: PurePath) -> ChangeKind | None:
    """What kind of input `path` is for the site in `site_dir`, or None if no build reads it."""
    try:
        rel = path.relative_to(site_dir)
    except ValueError:
        return None
    parts = rel.parts
    if not parts:
        return None
    if parts == (CONFIG_NAME,):
        return ChangeKind.CONFIG
    if len(parts) == 2 and parts[0] == CATALOGS_DIR and parts[1].endswith(".yaml") and not _is_editor_temp(parts[1]):
        return ChangeKind.CONFIG  # the site's catalogs are loaded with the config (SiteConfig.messages)
    if parts in (_PAGES, _BRIEFS):
        return ChangeKind.CONTENT_FOLDER
    if parts[0] == _PAGES[0]:
        if parts[:-1] not in (_PAGES, _BRIEFS) or not is_content_name(parts[-1]):
            return None  # deeper folders and other files are not read (the same rule as discover)
        return ChangeKind.BRIEF if parts[:-1] == _BRIEFS else ChangeKind.PAGE
    if parts[0] in ("layouts", "static"):
        if any(_is_editor_temp(p) for p in parts[1:]):
            return None
        return ChangeKind.LAYOUT if parts[0] == "layouts" else ChangeKind.STATIC
    return None


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    path: Path
    """Absolute."""
    rel: str
    """Relative to the site folder, with '/': as diagnostics show it ('content/briefs/x.md')."""


@dataclass(frozen=True)
class ChangeBatch:
    """Every relevant path that changed since the last rebuild, each classified once."""

    changes: tuple[Change, ...] = ()
    """One per path, sorted by path."""

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(c.kind for c in self.changes)

    def of(self, *kinds: ChangeKind) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in kinds)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __or__(self, other: ChangeBatch) -> ChangeBatch:
        merged = {c.path: c for c in (*self.changes, *other.changes)}
        return ChangeBatch(tuple(merged[p] for p in sorted(merged)))


def classify_batch(site_dir: Path, paths: Iterable[str | Path]) -> ChangeBatch:
    """The relevant `paths` (absolute, or relative to the working folder), classified."""
    site_dir = site_dir.absolute()
    found: dict[Path, Change] = {}
    for raw in paths:
        path = Path(raw).absolute()
        kind = classify_change(site_dir, path)
        if kind is not None:
            found[path] = Change(kind, path, path.relative_to(site_dir).as_posix())
    return ChangeBatch(tuple(found[p] for p in sorted(found)))


EventSource = Callable[[Path, threading.Event, int], Iterator[set[str]]]
"""(site folder, stop, tick in ms) -> the changed paths of each burst of events, or an empty
set at least every tick. Armed once it has yielded the first time."""

RELOAD_SECONDS = 0.5
"""After a rebuild, about how long open tabs take to fetch the new page."""

TICK_MS = 50
"""How long the loop waits for events before it looks at the clock (for the rescan, and at
startup for the watcher to be armed)."""


WATCHED = (PAGES_DIR, "layouts", "static", CATALOGS_DIR)
"""The folders a build reads, watched with everything under them. The site folder itself is
watched only at its top level (sitegen.yaml, and these folders appearing or going): never the
output or the cache inside it, whose 18,000 folders at 10,000 briefs took 3.6 s to watch."""


class _Either:
    """Set when any of these events is (what watchfiles' stop_event needs: is_set())."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def watchfiles_events(site_dir: Path, stop: threading.Event, tick_ms: int) -> Iterator[set[str]]:
    """Two watchers in threads: the site folder's top level, and WATCHED recursively (watched
    again when one of them appears or goes). Armed once both are."""
    import queue

    import watchfiles  # imported here: build and check do not need it

    found: queue.Queue[tuple[str, set[str]]] = queue.Queue()
    rewatch = threading.Event()

    def pump(name: str, paths: Callable[[], list[Path]], recursive: bool) -> None:
        while not stop.is_set():
            if recursive:
                rewatch.clear()
            watched = paths()
            if not watched:  # none of the folders yet: the top-level watcher reports one appearing
                found.put((name, set()))
                rewatch.wait(tick_ms / 1000)
                continue
            # No watch_filter: classify_change filters, and a burst of irrelevant events still
            # lets the loop run (for the rescan) instead of being swallowed inside watchfiles.
            try:
                for changes in watchfiles.watch(*watched, watch_filter=None, step=15, debounce=1600,
                                                stop_event=_Either(stop, rewatch) if recursive else stop,
                                                raise_interrupt=False, rust_timeout=tick_ms, yield_on_timeout=True,
                                                recursive=recursive):
                    found.put((name, {raw for _, raw in changes}))
            except (OSError, RuntimeError) as e:  # a folder gone as it was being watched: watch again
                log.info("watching %s again after: %s", ", ".join(map(str, watched)), e)
                found.put((name, set()))
                stop.wait(tick_ms / 1000)
                continue
            if not recursive:
                return

    def folders() -> list[Path]:
        return [site_dir / name for name in WATCHED if (site_dir / name).is_dir()]

    for name, paths, recursive in (("top", lambda: [site_dir], False), ("folders", folders, True)):
        threading.Thread(target=pump, args=(name, paths, recursive), name=f"sitegen-watch-{name}", daemon=True).start()
    armed: set[str] = set()
    while not stop.is_set():
        try:
            name, changes = found.get(timeout=tick_ms / 1000)
        except queue.Empty:
            if len(armed) == 2:
                yield set()
            continue
        armed.add(name)
        while True:  # what both watchers have reported by now is one burst
            try:
                more = found.get_nowait()
            except queue.Empty:
                break
            armed.add(more[0])
            changes |= more[1]
        if any(Path(raw).parent == site_dir and Path(raw).name in WATCHED for raw in changes):
            rewatch.set()  # a watched folder appeared, went or was renamed: watch the folders again
        if len(armed) == 2:
            yield changes


def watch_site(site_dir: Path, stop: threading.Event, rescan_every: float = RESCAN_SECONDS,
               events: EventSource = watchfiles_events) -> Iterator[ChangeBatch]:
    """First an empty batch once the watcher is armed, before anything is built: from then on
    no change is missed. Then a batch for every burst of relevant changes the watcher reports,
    merged with those the rescan finds every `rescan_every` seconds, until `stop` is set or Ctrl-C."""
    site_dir = site_dir.absolute()
    source = events(site_dir, stop, TICK_MS)
    if next(source, None) is None:
        return
    # Taken before the first build reads anything: the build covers what changed until now,
    # the rescan anything after, whether the watcher reports it or not.
    seen = rescan(site_dir, {})[0]
    due = time.monotonic() + rescan_every
    quiet = 0.0
    yield ChangeBatch()
    for raw in source:
        batch = classify_batch(site_dir, raw)
        now = time.monotonic()
        # Not while a rebuilt page is being reloaded (unless one interval overdue): it would
        # hold up the next rebuild and compete with the browser's request.
        if now >= due and (now >= quiet or now >= due + rescan_every):
            took = time.monotonic()
            seen, missed = rescan(site_dir, seen)
            took = time.monotonic() - took
            due = time.monotonic() + max(rescan_every, 10 * took)  # on a slow disk, at most 10% of the time
            found = classify_batch(site_dir, missed)
            if found.changes and not set(found.changes) <= set(batch.changes):
                log.info("the rescan found changes the watcher did not report: %s",
                         ", ".join(c.rel for c in found.changes if c not in batch.changes))
            batch |= found
        elif batch:
            # Looked at again now, before the rebuild reads them: the rescan then reports
            # only what changes after this, rather than this edit a second time.
            seen = relook(seen, (c.path for c in batch.changes))
        if batch:
            yield batch
            quiet = time.monotonic() + RELOAD_SECONDS
