"""The no-change fast path: is the output already exactly what this build would make?

After a successful build, a stamp records a digest of everything the build read (every
file of the site folder but its output and cache, by path and stat signature; sitegen's
code; the options and environment that change output), the identity of the output folder
it swapped in, and the clock window in which its output stays valid (until the next brief
goes live or expires, and until midnight, when overdue predictions change). A build whose
inputs, output folder and clock all match does nothing: make's rule, with content-aware
keys behind it when anything did change.

A file changed within two seconds before the build started is not trusted by its stat (the
same-tick rule git calls 'racy'); then no stamp is written and the next build does the work.
Edits inside the output folder are not detected: the output is the build's, not an input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable
import dataclasses
from dataclasses import asdict, dataclass
from pathlib import Path

from sitegen.buildcache import code_stamp, packages_stamp
from sitegen.config import CONFIG_NAME
from sitegen.content import PAGES_DIR
from sitegen.sitecache import write_atomic
from sitegen.templates import builtin_theme_dir
from sitegen.writer import Reuse

RACY_NS = 2_000_000_000
ENVIRONMENT = ("SITEGEN_CARDS", "SITEGEN_PAGEFIND", "SITEGEN_SEARCH_SHARD", "SOURCE_DATE_EPOCH")
"""Environment variables that change what a build makes (SOURCE_DATE_EPOCH: only through
the clock window, but a changed value is a deliberate rebuild)."""


@dataclass(frozen=True)
class Stamp:
    inputs: str
    output: tuple[int, int]
    """(st_dev, st_ino) of the output folder the build swapped in."""
    valid_from: float
    valid_until: float
    """The clock window (Unix seconds) in which the output does not change with time."""
    pages: int
    files: int
    notes: tuple[str, ...]
    tz: str
    """The site timezone: `--now 2026-12-01` means midnight there."""


INPUTS = (CONFIG_NAME, PAGES_DIR, "layouts", "static", "i18n")
"""What a build reads from the site folder (i18n/: the site's own theme strings)."""


def inputs_digest(site_dir: Path, skip: Iterable[Path], options: tuple[object, ...]) -> tuple[str, bool]:
    """(digest of everything a build reads, whether every file's stat can be trusted):
    the site's INPUTS and the built-in theme, but not `skip` (the output, the cache)."""
    started = time.time_ns()
    skipped = {os.path.realpath(p) for p in skip}
    h = hashlib.blake2b(code_stamp(), digest_size=20)
    h.update(repr((options, sys.version, packages_stamp(), [os.environ.get(k) for k in ENVIRONMENT])).encode())
    trusted = True
    roots = [site_dir / name for name in INPUTS] + [builtin_theme_dir()]
    for root in roots:
        h.update(f"{root}\0{root.exists()}\n".encode())
        walked = os.walk(root) if root.is_dir() else [(str(root.parent), [], [root.name] if root.exists() else [])]
        for folder, dirs, files in walked:
            dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(folder, d)) not in skipped)
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if st.st_mtime_ns > started - RACY_NS:
                    trusted = False
                h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_ctime_ns}\n".encode())
    return h.hexdigest(), trusted


def stamp_file(cache: Path, output: Path) -> Path:
    name = hashlib.blake2b(str(output.absolute()).encode(), digest_size=8).hexdigest()
    return cache / "builds" / f"{name}.json"


def up_to_date(cache: Path, output: Path, inputs: str, clock: Callable[[str], dt.datetime | None]) -> Stamp | None:
    """The stamp of the last build into `output` if that build is still exact now. `clock`:
    the build's moment given the site timezone's name (None: the build will report its clock)."""
    try:
        data = json.loads(stamp_file(cache, output).read_text())
        stamp = Stamp(**{**data, "output": tuple(data["output"]), "notes": tuple(data["notes"])})
        st = os.stat(output)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if stamp.inputs != inputs or stamp.output != (st.st_dev, st.st_ino):
        return None
    now = clock(stamp.tz)
    return stamp if now is not None and stamp.valid_from <= now.timestamp() < stamp.valid_until else None


def record(cache: Path, output: Path, stamp: Stamp) -> None:
    try:
        write_atomic(stamp_file(cache, output), json.dumps(asdict(stamp)).encode())
    except OSError:
        pass  # a read-only cache: the next build simply does the work



def forget(cache: Path, output: Path) -> None:
    """Another writer (serve) changes `output` in place: no stamp may vouch for it any more,
    nor may the writer's listing of it."""
    try:
        stamp_file(cache, output).unlink()
    except OSError:
        pass
    output_reuse(cache, output).forget()


def output_reuse(cache: Path, output: Path) -> Reuse:
    """Where builds into `output` keep its listing and their spare folder (sitegen/writer.py)."""
    name = stamp_file(cache, output).stem
    return Reuse(cache / "spare" / name, cache / "builds" / name)


# --- the same files built before: a manifest by content -------------------------------------

MANIFESTS_KEPT = 8
"""Content manifests kept: a few branches' or commits' worth."""


@dataclass(frozen=True)
class Manifest:
    """Every file a build wrote, as paths into the cache: a later build of the same files (a
    fresh clone with the cache restored, as CI has) links them instead of building."""

    files: tuple[tuple[str, str], ...]
    """(output path, cache file relative to the cache folder)."""
    search: str | None
    """The search bundle's folder relative to the cache folder, if the site has one."""
    valid_from: float
    valid_until: float
    pages: int
    notes: tuple[str, ...]
    tz: str


def content_digest(site_dir: Path, options: tuple[object, ...], cache: Path | None = None) -> str:
    """A digest of the bytes of everything a build reads (not their stat signatures: a fresh
    clone's files are new files with the same bytes). `cache`: the build cache, where each
    file's digest is kept by its stat signature, so only files that changed are read again."""
    started = time.time_ns()
    known = _load_file_digests(cache)
    fresh: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}
    h = hashlib.blake2b(code_stamp(), digest_size=20)
    h.update(repr((options, sys.version, packages_stamp(), [os.environ.get(k) for k in ENVIRONMENT])).encode())
    theme = builtin_theme_dir()
    for label, base in [(name, site_dir / name) for name in INPUTS] + [("theme:", theme)]:
        for rel, path in _files_under(base):
            try:
                st = os.stat(path)
                sig = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
                hit = known.get(path)
                if hit is not None and hit[0] == sig:
                    file_digest = hit[1]
                else:
                    with open(path, "rb") as f:
                        file_digest = hashlib.blake2b(f.read(), digest_size=20).digest()
            except OSError:
                continue
            if st.st_mtime_ns <= started - RACY_NS and st.st_ctime_ns <= started - RACY_NS:
                fresh[path] = (sig, file_digest)  # a file changed just now may change again unseen
            h.update(f"{label}\0{rel}\0".encode())
            h.update(file_digest)
    if cache is not None and fresh != known:
        try:
            write_atomic(cache / "builds" / FILE_DIGESTS, pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only cache: every file is read next time
    return h.hexdigest()


FILE_DIGESTS = "file-digests.pickle"
"""In the cache's builds/: path -> (stat signature, digest of the bytes) of each input file."""


def _load_file_digests(cache: Path | None) -> dict[str, tuple[tuple[int, int, int, int], bytes]]:
    if cache is None:
        return {}
    try:
        with open(cache / "builds" / FILE_DIGESTS, "rb") as fh:
            known = pickle.load(fh)
    except Exception:  # missing, torn, or from another version: every file is read
        return {}
    return known if isinstance(known, dict) else {}


def _files_under(base: Path) -> list[tuple[str, str]]:
    """(path relative to `base` in '/' form, path) of every file under the folder `base`, in
    the order of their parts (as sorted Path objects), not following links to folders; for a
    file, ('.', it). Strings, not pathlib: 10,000 briefs took 0.5 s more with rglob."""
    if base.is_file():
        return [(".", os.fspath(base))]
    if not base.is_dir():
        return []
    found: list[tuple[list[str], str, str]] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as entries:
            for e in entries:
                r = f"{rel}/{e.name}" if rel else e.name
                try:
                    if e.is_dir(follow_symlinks=False):
                        walk(e.path, r)
                    elif e.is_file():  # a regular file needs no stat here (the entry's type says so)
                        found.append((r.split("/"), r, e.path))
                except OSError:
                    continue  # a symlink loop, a folder that went: not an input the build reads

    try:
        walk(os.fspath(base), "")
    except OSError:
        pass  # an unreadable folder: os.walk skipped it too (the build reports what it cannot read)
    found.sort()
    return [(r, path) for _, r, path in found]


def manifest_file(cache: Path, digest: str) -> Path:
    return cache / "builds" / f"content-{digest}.json"


def save_manifest(cache: Path, digest: str, manifest: Manifest) -> None:
    try:
        # Its fields by hand: asdict() would copy each of 24,000 (path, file) pairs on the way.
        fields = {f.name: getattr(manifest, f.name) for f in dataclasses.fields(manifest)}
        write_atomic(manifest_file(cache, digest), json.dumps(fields).encode())
    except OSError:
        return
    old = sorted(manifest_file(cache, "*").parent.glob("content-*.json"), key=lambda p: p.stat().st_mtime)
    for p in old[:-MANIFESTS_KEPT]:
        p.unlink(missing_ok=True)


def load_manifest(cache: Path, digest: str, clock: Callable[[str], dt.datetime | None]) -> Manifest | None:
    """The manifest of a build of exactly these files, if it is still exact now and every file
    it names is still in the cache."""
    try:
        data = json.loads(manifest_file(cache, digest).read_text())
        m = Manifest(files=tuple((a, b) for a, b in data["files"]), search=data["search"],
                     valid_from=data["valid_from"], valid_until=data["valid_until"], pages=data["pages"],
                     notes=tuple(data["notes"]), tz=data["tz"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    now = clock(m.tz)
    if now is None or not m.valid_from <= now.timestamp() < m.valid_until:
        return None
    if m.search is not None and not (cache / m.search).is_dir():
        return None
    base = os.fspath(cache)
    return m if all(os.path.isfile(os.path.join(base, rel)) for _, rel in m.files) else None
