"""One `sitegen serve` session: the live site, the HTTP server, the watcher, and how they meet.

The watcher is armed before the first build, so an edit saved at any moment after `serve`
starts is rebuilt without another save. When the build cache holds a build of exactly the
site's files, serve shows it at once and makes its live state (the first build) in the
background; an edit saved meanwhile waits for it. The server never exits on a user mistake: a failed
rebuild is printed and shown in the browser overlay while the last good output stays served.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sitegen import collector
from sitegen.buildcache import link_tree
from sitegen.errors import BuildFailed, format_report
from sitegen.config import load_config
from sitegen.pages.search import BUNDLE as SEARCH_BUNDLE
from sitegen.pipeline import BuildOptions, open_store
from sitegen.serve.early import cached_build
from sitegen.serve.incremental import LiveSite, RebuildResult
from sitegen.serve.search import SearchRefresher, touches_index
from sitegen.serve.server import DevServer, ServeState
from sitegen.serve.rescan import RESCAN_SECONDS
from sitegen.serve.watch import ChangeBatch, ChangeKind, EventSource, watch_site, watchfiles_events
from sitegen.sitecache import cache_root
from sitegen.uptodate import forget
from sitegen.writer import check_output_dir, remove_in_background

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServeOptions:
    site_dir: Path
    port: int = 8000
    bind: str = "127.0.0.1"
    """Loopback by default: the preview is not published to the network."""
    drafts: bool = False
    output: Path | None = None
    """Where the live output is kept; default a temporary folder removed on exit."""
    base_url: str | None = None
    workers: int | None = None
    """Worker processes for big rebuilds (`--jobs`); None = one per core."""
    now: str | None = None
    """`--now`: every rebuild is made as of this moment (default: the clock at each rebuild)."""
    cache_dir: Path | None = None
    """The persistent build cache (default SITE_DIR/.sitegen): the first build reads it."""
    no_cache: bool = False


class Session:
    def __init__(self, options: ServeOptions, out: TextIO | None = None):
        self.options = options
        self.out = out if out is not None else sys.stderr
        site_dir = options.site_dir.absolute()
        self.site_dir = site_dir
        if options.output is not None:
            check_output_dir(site_dir, options.output)
            self.output = options.output.absolute()
            # serve rewrites it in place (with drafts, maybe): no stamp may vouch for it any more
            forget(options.cache_dir if options.cache_dir is not None else cache_root(site_dir), self.output)
            self._temporary = False
        else:
            self.output = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
            self._temporary = True
        build_options = BuildOptions(site_dir, self.output, options.base_url, options.drafts, options.workers,
                                     now=options.now, cache_dir=options.cache_dir, no_cache=options.no_cache)
        self.early = cached_build(build_options)
        """The cached build shown while the first build runs (None: there was none to show)."""
        self._closing = False
        self.live = LiveSite(build_options, self.output)
        store = open_store(build_options)
        self.search = SearchRefresher(self.output, lambda: self.live.search_plan, self._print,
                                      None if store is None else store.root)
        self.state = ServeState()
        self.server: DevServer | None = None
        self._lock = threading.Lock()
        self.last: RebuildResult | None = None

    def rebuild(self, batch: ChangeBatch | None = None) -> RebuildResult | None:
        """Rebuild now; on a user mistake, report it and keep the last good output."""
        with self._lock:
            return self._rebuild(batch)

    def _rebuild(self, batch: ChangeBatch | None, early: bool = False) -> RebuildResult | None:
        """`early`: the first build behind a cached one already shown (same files: no reload,
        and the search bundle shown with it stays)."""
        try:
            result = self.live.rebuild(batch)
        except BuildFailed as e:
            report = format_report(e.diagnostics, "; still serving the last good build.")
            self._print(report)
            self.state.failed(report)
            return None
        except Exception as e:  # a bug of ours must not kill the preview either
            if self._closing:
                return None  # stopped during the background first build: its folder is going away
            report = f"internal error while rebuilding: {e!r}\n{traceback.format_exc()}"
            self._print(report)
            self.state.failed(report)
            return None
        self.last = result
        if self.server is not None:
            self.server.base_path = result.base_path
            if self.server.overlay is not None:
                self._leave_cache()
        kinds = ", ".join(sorted(k.value for k in batch.kinds)) if batch else "start"
        self._print(f"[{kinds}] rendered {len(result.rendered)} of {result.pages} pages, "
                    f"wrote {len(result.written)} files, removed {len(result.removed)} "
                    f"in {result.seconds * 1000:.0f} ms ({result.way})")
        self.state.built(result.changed and not early)
        if (batch is None and not early) or touches_index(result.written + result.removed):
            self.search.request()
        if result.way == "full":
            collector.settle()  # what a full rebuild left stays alive until the next one
        return result

    def start(self) -> DevServer:
        """Build once, then start serving (even if that first build failed). With a cached build
        already found (`early`), serve it from the cache at once and make the first build in the
        background; the server turns to the output folder once a build is there."""
        if self.early is None:
            result = self.rebuild()
            base_path = result.base_path if result is not None else "/"
            self.server = DevServer(self.output, base_path, self.state, self.options.bind, self.options.port)
            self.server.start()
            return self.server
        self._lock.acquire()  # released by the first build: every rebuild waits for it
        try:
            base_path = load_config(self.site_dir, self.options.base_url).base_path
        except BuildFailed:  # cannot happen for a config a build succeeded with; the first build reports it
            base_path = "/"
        self.server = DevServer(self.output, base_path, self.state, self.options.bind, self.options.port,
                                overlay=self.early.files)
        self.server.start()
        threading.Thread(target=self._first_build, name="sitegen-first-build", daemon=True).start()
        self._print(f"showing the last build of these files ({self.early.pages} pages, served from the "
                    "build cache, found in {:.0f} ms); preparing live reload".format(self.early.seconds * 1000))
        return self.server

    def _first_build(self) -> None:
        try:
            self._rebuild(None, early=True)
        finally:
            self._lock.release()

    def _leave_cache(self) -> None:
        """After the first good build: serve the output folder, with the cached search bundle
        linked in (the same pages: the refresher indexes again only after a change)."""
        assert self.server is not None and self.early is not None
        bundle = self.output / SEARCH_BUNDLE
        if self.early.search is not None and not bundle.exists():
            link_tree(self.early.search, bundle)
        self.server.overlay = None

    def on_change(self, batch: ChangeBatch) -> None:
        if ChangeKind.CONFIG in batch.kinds:
            log.info("sitegen.yaml changed: rebuilding everything")
        self.rebuild(batch)

    def run(self, stop: threading.Event, announce: bool = True, events: EventSource = watchfiles_events,
            rescan_every: float = RESCAN_SECONDS) -> None:
        """Arm the watcher, build, serve, then rebuild on every change until `stop` is set."""
        batches = watch_site(self.site_dir, stop, rescan_every, events)
        if next(batches, None) is None:
            return  # stopped before the watcher was armed
        server = self.start()
        if announce:
            if self.options.bind not in ("127.0.0.1", "::1", "localhost"):
                self._print(f"warning: listening on {self.options.bind}: other machines can see this preview")
            print(f"Serving {self.site_dir} at {server.url()} (Ctrl-C to stop)", flush=True)
        for batch in batches:
            self.on_change(batch)

    def close(self) -> None:
        self._closing = True
        if self.server is not None:
            self.server.stop()
            self.server = None
        collector.release()
        if self._temporary:
            # Deleted by a detached process: Ctrl-C returns at once even when the disk is busy
            # (unlinks can queue for a long time behind another deletion on a `discard` mount).
            remove_in_background(self.output)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def serve(options: ServeOptions, stop: threading.Event | None = None) -> int:
    """Run until Ctrl-C (or `stop` is set). Returns the exit code."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        main_pid = os.getpid()

        def on_term(signum: int, _frame: object) -> None:
            if os.getpid() != main_pid:  # a forked render worker: die as usual (Pool.terminate relies on it)
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)
                return
            stop.set()  # `kill`: stop as cleanly as Ctrl-C

        signal.signal(signal.SIGTERM, on_term)
    session = Session(options)
    try:
        session.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        session.close()
    print("stopped", flush=True)
    return 0
