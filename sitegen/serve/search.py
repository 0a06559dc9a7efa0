"""Search in `sitegen serve`: the live folder is re-indexed by Pagefind in the background.

A build indexes its staged site before the swap; serve cannot wait for Pagefind on every
keystroke, so after a rebuild that changed a brief page it asks for a new index, made by one
background thread into a fresh folder and swapped in whole (`writer.swap_in`). Edits made while
Pagefind runs are picked up by one more run after it, never by runs in parallel: search results
may lag the pages by one indexing run (about a second on the demo), never show a half-written index.
On a site indexed in shards, a shard whose pages are the same files as at its last indexing (by
their stat signatures) is linked from the build cache's trees instead of indexed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sitegen.pages.search import BUNDLE
from sitegen.search import Shard, binary_stamp, index_shards, shard_store
from sitegen.writer import swap_in

FRESH = ".sitegen-pagefind-new"
SETTLE_SECONDS = 2.0
"""Index only once no rebuild has asked for this long: the reloading tabs, and the next edits
of an author at work, go first (measured at 2,000 briefs: indexing right after each rebuild
made save-to-paint 1.3 to 2.6 times slower on 2 cores)."""


def touches_index(paths: tuple[str, ...]) -> bool:
    """Whether these written or removed output files can change the index (brief pages)."""
    return any(p.startswith("briefs/") and p.endswith(".html") for p in paths)


class SearchRefresher:
    def __init__(self, root: Path, wanted: Callable[[], tuple[Shard, ...] | None], say: Callable[[str], None],
                 cache: Path | None = None):
        self.root = root
        self.cache = cache
        """The build cache folder, where shards are kept by their pages' stat signatures (None: not kept)."""
        self.wanted = wanted
        """The current site's search shards, None when it gets no index (no brief but drafts:
        none, and none is kept)."""
        self.say = say
        self._lock = threading.Lock()
        self._dirty = False
        self._thread: threading.Thread | None = None
        self._said = ""
        self._asked = 0.0
        self.runs = 0
        self.idle = threading.Event()
        self.idle.set()

    def request(self) -> None:
        with self._lock:
            self._dirty = True
            self._asked = time.monotonic()
            self.idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="sitegen-search", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            while (quiet := time.monotonic() - self._asked) < SETTLE_SECONDS:
                time.sleep(SETTLE_SECONDS - quiet)
            with self._lock:
                if not self._dirty:
                    self._thread = None
                    self.idle.set()
                    return
                self._dirty = False
            try:
                self._index_once()
            except Exception as e:  # never let the preview die for its search index
                self._note(f"search is off: indexing failed ({e!r})")

    def _index_once(self) -> None:
        fresh = self.root / FRESH
        shutil.rmtree(fresh, ignore_errors=True)
        bundle = self.root / BUNDLE
        plan = self.wanted()
        if plan is None:
            shutil.rmtree(bundle, ignore_errors=True)
            return
        trees = None if self.cache is None else shard_store(self.cache, "serve-search", plan)
        stamp = binary_stamp()
        result = index_shards(self.root, plan, fresh, background=True, jobs=1, trees=trees,
                              key=lambda shard: None if stamp is None else self._shard_key(shard, stamp))
        self.runs += 1
        if not result.indexed:
            shutil.rmtree(fresh, ignore_errors=True)
            self._note(result.note)
            return
        swap_in(fresh, bundle)
        shutil.rmtree(fresh, ignore_errors=True)
        self._said = ""

    def _shard_key(self, shard: Shard, stamp: bytes) -> str | None:
        """The shard's pages as files (a page serve writes again is a new file: another inode),
        and the Pagefind that indexes them (`stamp`)."""
        h = hashlib.blake2b(stamp, digest_size=20)
        for page in shard.pages:
            try:
                st = os.stat(self.root / page)
            except OSError:
                return None
            h.update(f"{page}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
        return h.hexdigest()

    def _note(self, line: str) -> None:
        if line != self._said:  # one line per cause, not one per rebuild
            self._said = line
            self.say(line)
