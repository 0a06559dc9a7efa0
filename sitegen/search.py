"""Full-text search: run Pagefind over a built site folder.

Pagefind reads the site's HTML and writes a static index and its UI under `pagefind/`.
Only brief pages carry `data-pagefind-body` (drafts never do), so lists and drafts are not
indexed. The binary comes from the `pagefind-bin` wheel (or `pagefind-bin-extended`, with
CJK word segmentation, when that is installed), or from SITEGEN_PAGEFIND: a path to a
binary, or `off`. Search is optional: when there is no binary or it fails, the site still
builds and `index_site` says, in one line, that search is off.

A large site is indexed in shards: Pagefind has no incremental mode, needs about 290 KB of memory
and 4 ms of CPU per brief page, and runs mostly on one core. Past `PAGES_PER_INDEX` pages the
brief pages are split by publication year (a year past it by half-year, then quarter, then month), each
shard is its own Pagefind bundle, cached by its pages' keys, and the search page merges them in
the browser (Pagefind's `mergeIndex`, listed in `SHARDS_FILE`). An edit then re-indexes one
shard, two shards are indexed at once, and no Pagefind process holds the whole site.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen.buildcache import TreeStore
from sitegen.model import Site
from sitegen.pages.search import BUNDLE
from sitegen.urls import brief_path

ENV = "SITEGEN_PAGEFIND"
"""Path of a Pagefind binary to use instead of the packaged one, or `off`."""
GLOB = "briefs/*/index.html"
"""Only brief pages can carry data-pagefind-body: Pagefind reads no other page."""
TIMEOUT_SECONDS = 600
SHARD_ENV = "SITEGEN_SEARCH_SHARD"
"""Pages per search index before the index is split by period (default PAGES_PER_INDEX)."""
PAGES_PER_INDEX = 1250
"""At most about 360 MB of Pagefind memory and 5 s of CPU per shard. At 10,000 briefs over five
years (2,100 a year): ten shards, a year or half a year each; an edit re-indexes one of them.
Each shard costs a reader's first search about 25 KB more (an index chunk per word)."""
SHARDS_FILE = "sitegen-shards.json"
"""In the bundle: {"merge": [folders of the other shards, relative to the bundle]}; the search
page reads it to merge them ([] when the site has one index)."""
SHARD_SITES = ".sitegen-search"
"""In the staged site while indexing: one folder per shard, its pages hard-linked at their paths."""


@dataclass(frozen=True)
class SearchIndex:
    indexed: bool
    note: str = ""
    """One line for the author when search is off (empty when it is on)."""


def find_binary() -> tuple[str | None, str]:
    """(path of the Pagefind binary, or None with the reason)."""
    env = os.environ.get(ENV)
    if env is not None and env.strip():
        if env.strip().lower() == "off":
            return None, f"{ENV}=off"
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env, ""
        return None, f"{ENV}={env} is not an executable file"
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            mod = __import__(module)
            return str(mod.get_executable()), ""
        except (ImportError, FileNotFoundError):
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found:
        return found, ""
    return None, "the pagefind-bin package is not installed (pip install pagefind-bin)"


@dataclass(frozen=True)
class Shard:
    name: str
    """Its folder in the bundle ('2024', '2024-h2', '2024-q3', '2024-07'); '' for the newest, which is
    the bundle itself and carries the UI."""
    pages: tuple[str, ...]
    """Site-relative paths of the brief pages it indexes."""


def pages_per_index() -> int:
    raw = os.environ.get(SHARD_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else PAGES_PER_INDEX


def shard_plan(site: Site, limit: int | None = None) -> tuple[Shard, ...]:
    """The site's search shards, newest first: one holding every indexed page while they are
    at most `limit`, else by period. Indexed: the published briefs the public site has (not
    the drafts, scheduled or expired ones --drafts shows)."""
    dated = [(f"{brief_path(b.slug)}index.html", b.date) for b in site.briefs if b.slug not in site.offline]
    return split_by_period(dated, pages_per_index() if limit is None else limit)


_PERIODS: tuple[Callable[[dt.datetime], str], ...] = (
    lambda d: f"{d.year:04d}",
    lambda d: f"{d.year:04d}-h{(d.month - 1) // 6 + 1}",
    lambda d: f"{d.year:04d}-q{(d.month - 1) // 3 + 1}",
    lambda d: f"{d.year:04d}-{d.month:02d}",
)
"""Ever finer periods: a period with more pages than the limit is split by the next one."""


def split_by_period(dated: Sequence[tuple[str, dt.datetime]], limit: int) -> tuple[Shard, ...]:
    """Pages grouped by period, newest period first, pages sorted within each. Periods, not
    counts, make the boundaries: a new brief or an edit leaves every other period's shard as
    it was, so its cached index stays good."""
    if len(dated) <= limit:
        return (Shard("", tuple(sorted(p for p, _ in dated))),)
    groups: list[tuple[str, list[str]]] = []

    def split(items: Sequence[tuple[str, dt.datetime]], level: int) -> None:
        by: dict[str, list[tuple[str, dt.datetime]]] = {}
        for item in items:
            by.setdefault(_PERIODS[level](item[1]), []).append(item)
        for name in sorted(by, reverse=True):
            part = by[name]
            if len(part) > limit and level + 1 < len(_PERIODS):
                split(part, level + 1)
            else:
                groups.append((name, sorted(p for p, _ in part)))

    split(dated, 0)
    return tuple(Shard("" if i == 0 else name, tuple(pages)) for i, (name, pages) in enumerate(groups))


def shard_store(cache: Path, kind: str, plan: Sequence[Shard]) -> TreeStore:
    """Where shards are kept by key: this build's and about as many more (a branch switch back,
    an edit undone, is free)."""
    return TreeStore(cache, kind, keep=2 * len(plan) + 2)


def binary_stamp() -> bytes | None:
    """Which Pagefind indexes (its path, size and time): part of every cached index's key."""
    binary, _ = find_binary()
    if binary is None:
        return None
    st = os.stat(binary)
    return f"{binary}\0{st.st_size}\0{st.st_mtime_ns}".encode()


def _lower_priority() -> None:
    """In the child: yield the CPU to serve, and die with it (Linux: PR_SET_PDEATHSIG), so a
    preview stopped mid-index leaves no Pagefind behind."""
    os.nice(10)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def index_site(folder: Path, output: Path | None = None, background: bool = False) -> SearchIndex:
    """Index the built site in `folder`, writing the bundle to `output` (default folder/pagefind).
    Never raises for a missing or failing binary: the site is complete without search.
    `background`: at a lower CPU priority, so serve's rebuilds and the browser's reload go first."""
    binary, why = find_binary()
    if binary is None:
        return SearchIndex(False, f"search is off: {why}; the site was built without /search/ results")
    out = output if output is not None else folder / BUNDLE
    cmd = [binary, "--site", str(folder), "--output-path", str(out), "--glob", GLOB, "--silent"]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False,
                              preexec_fn=_lower_priority if background and hasattr(os, "nice") else None)
    except (OSError, subprocess.TimeoutExpired) as e:
        return SearchIndex(False, f"search is off: pagefind could not run ({e})")
    if proc.returncode != 0 or not (out / "pagefind-ui.js").is_file():
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        reason = detail[-1] if detail else f"exit code {proc.returncode}"
        return SearchIndex(False, f"search is off: pagefind failed ({reason})")
    return SearchIndex(True)


def index_shards(folder: Path, shards: Sequence[Shard], output: Path | None = None, background: bool = False,
                 trees: TreeStore | None = None, key: Callable[[Shard], str | None] = lambda s: None,
                 jobs: int = 2) -> SearchIndex:
    """Index the built site in `folder` shard by shard into one bundle at `output` (default
    folder/pagefind): the first shard at its root, the others in their folders, and
    SHARDS_FILE naming them. A shard whose `key` is in `trees` is linked from there, and one
    made is kept there. One shard (a small site) is Pagefind over the whole folder, as ever."""
    out = output if output is not None else folder / BUNDLE
    if len(shards) <= 1:
        result = index_site(folder, out, background)
        if result.indexed:
            _write_merge_list(out, ())
        return result
    binary, why = find_binary()
    if binary is None:
        return SearchIndex(False, f"search is off: {why}; the site was built without /search/ results")
    result = _index_each(folder, shards, out, background, trees, key, jobs)
    if not result.indexed:
        shutil.rmtree(out, ignore_errors=True)  # no bundle rather than some shards: the page says search is off
        return result
    _write_merge_list(out, tuple(s.name for s in shards[1:]))
    return result


def _index_each(folder: Path, shards: Sequence[Shard], out: Path, background: bool, trees: TreeStore | None,
                key: Callable[[Shard], str | None], jobs: int) -> SearchIndex:
    sites = folder / SHARD_SITES
    todo: list[tuple[Shard, Path, str | None]] = []
    try:
        for shard in shards:
            dest = out / shard.name if shard.name else out
            k = key(shard)
            if trees is not None and k is not None and trees.get(k, dest):
                continue
            todo.append((shard, dest, k))
        for i, (shard, _, _) in enumerate(todo):
            _link_pages(folder, sites / str(i), shard.pages)
        # Pagefind writes a folder it is given whole; a shard's own is made beside the bundle,
        # then moved in (the root shard's files go first, the others' folders sit inside it).
        made = [sites / f"out-{i}" for i in range(len(todo))]
        with ThreadPoolExecutor(max(1, min(jobs, len(todo)))) as pool:
            results = list(pool.map(lambda i: index_site(sites / str(i), made[i], background), range(len(todo))))
        for (shard, dest, k), result, bundle in zip(todo, results, made):
            if not result.indexed:
                return result
            if shard.name:
                _keep_index_only(bundle)
            if trees is not None and k is not None:
                trees.put(k, bundle)
            _move_into(bundle, dest)
    finally:
        shutil.rmtree(sites, ignore_errors=True)
    return SearchIndex(True)


def _keep_index_only(bundle: Path) -> None:
    """A merged shard is read for its index alone (its entry file, its meta and its chunk
    folders): the search page loads Pagefind's script, worker, WebAssembly and UI from the
    newest shard only, so another shard's copies (about 0.65 MB each) would be dead weight."""
    for entry in os.scandir(bundle):
        if entry.is_file() and entry.name != "pagefind-entry.json" and not entry.name.endswith(".pf_meta"):
            os.unlink(entry.path)


def _link_pages(folder: Path, site: Path, pages: Sequence[str]) -> None:
    """A site of just these pages, hard-linked from `folder` at the same paths (the same URLs)."""
    for page in pages:
        target = site / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(folder / page, target)
        except OSError:
            shutil.copyfile(folder / page, target)


def _move_into(bundle: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(bundle):
        os.replace(entry.path, dest / entry.name)
    bundle.rmdir()


def _write_merge_list(out: Path, names: Sequence[str]) -> None:
    (out / SHARDS_FILE).write_text(json.dumps({"merge": [f"{n}/" for n in names]}), encoding="utf-8")
