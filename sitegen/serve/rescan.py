"""The periodic rescan: what `sitegen serve` does about file events its watcher misses.

A watcher can miss an event: an inotify queue overflow, a network file system, an editor
saving in some unusual way. A missed event would leave a stale page until the file is saved
again, so every RESCAN_SECONDS the watch loop also compares the stat of every input file
(sitegen.yaml, content, layouts, static) with the last look, and feeds what differs into the
same classified-change path as the watcher's reports. One stat per file: at 10,000 briefs
a few tens of milliseconds.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import RACY_NS, StatSig, digest
from sitegen.config import CONFIG_NAME
from sitegen.messages import SITE_DIR as CATALOGS_DIR
from sitegen.content import BRIEFS_DIR, PAGES_DIR

RESCAN_SECONDS = 1.0
"""A missed change shows up within about this, plus one rebuild."""


@dataclass(frozen=True)
class Seen:
    """One input file at the last look."""

    sig: StatSig
    digest: bytes | None = None
    """Its content's digest while the stat is too recent to trust (a second write within the
    same clock tick keeps the size and the mtime), else None."""


def input_files(site_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every file a build may read, with its stat (links followed). A superset is fine: what
    changed is classified afterwards, and what no build reads is dropped there."""
    config = os.path.join(site_dir, CONFIG_NAME)
    try:
        yield config, os.stat(config)
    except OSError:
        pass
    for folder in (PAGES_DIR, BRIEFS_DIR):
        try:
            entries = list(os.scandir(os.path.join(site_dir, folder)))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat()
            except OSError:  # gone since the listing, or a broken link
                continue
            if stat.S_ISREG(st.st_mode):
                yield entry.path, st
    for folder in ("layouts", "static", CATALOGS_DIR):
        for here, _, names in os.walk(os.path.join(site_dir, folder)):
            for name in names:
                path = os.path.join(here, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    yield path, st


def rescan(site_dir: Path, previous: Mapping[str, Seen]) -> tuple[dict[str, Seen], list[str]]:
    """The look now, and the paths that changed since `previous` (added, removed or edited)."""
    now_ns = time.time_ns()
    current: dict[str, Seen] = {}
    changed: list[str] = []
    for path, st in input_files(site_dir):
        old = previous.get(path)
        if (old is not None and old.digest is None and st.st_mtime_ns == old.sig.mtime_ns
                and st.st_ctime_ns == old.sig.ctime_ns and st.st_size == old.sig.size and st.st_ino == old.sig.inode):
            current[path] = old  # the common case, kept cheap: unchanged since a trusted look
            continue
        seen, differs = _look(path, st, now_ns, old)
        current[path] = seen
        if differs:
            changed.append(path)
    changed.extend(path for path in previous if path not in current)
    return current, changed


def relook(previous: Mapping[str, Seen], paths: Iterable[str | Path]) -> dict[str, Seen]:
    """`previous` with these paths looked at again now (the watcher reported them, and the
    rebuild about to run reads them after this look)."""
    now_ns = time.time_ns()
    current = dict(previous)
    for path in map(str, paths):
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            current.pop(path, None)
        else:
            current[path] = _look(path, st, now_ns, None)[0]
    return current


def _look(path: str, st: os.stat_result, now_ns: int, old: Seen | None) -> tuple[Seen, bool]:
    """What is seen of `path` now, and whether it differs from `old`."""
    sig = StatSig.of(st)
    racy = max(sig.mtime_ns, sig.ctime_ns) >= now_ns - RACY_NS
    same_stat = old is not None and old.sig == sig
    data = _digest(path) if racy or (same_stat and old.digest is not None) else None  # type: ignore[union-attr]
    differs = not same_stat or (old.digest is not None and data != old.digest)  # type: ignore[union-attr]
    return Seen(sig, data if racy else None), differs


def _digest(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return digest(fh.read())
    except OSError:
        return None
