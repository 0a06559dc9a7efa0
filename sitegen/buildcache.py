"""The persistent build cache: parsed files and rendered pages, kept between builds.

It lives in the site's cache folder (`.sitegen/`, or `--cache-dir`), next to the social
cards, and `build`, `check` and `serve` share it. Every entry is found by a key that
hashes everything its value was computed from, so a hit is exactly what a clean build
would compute (a property test over random edits checks that the output is byte-identical):

- `parse/<key>`: one content file's parse result, keyed by its bytes, its path, the parse
  settings and sitegen's own code (CODE_STAMP);
- `pages/<key>.html`: one page's bytes, keyed by its render key (template sources, globals,
  context; sitegen/cache.py) and CODE_STAMP. The output hard-links these files, so an
  unchanged page costs a link, not a render and a write;
- `files/<key>`: every other generated file (feeds, sitemap, ...) by a digest of its bytes, so
  that a whole build can be replayed from the cache (uptodate.Manifest).

Entries are written whole or not at all (a temporary file, then a rename), so a killed build
never leaves a torn entry under a real name; parse entries also carry a digest of their
bytes and are checked when read. Concurrent builds may write the same entry: both write the
same bytes. After a build, entries it did not use are pruned, except young ones (another
build may be about to use them), so the cache stays about the size of one build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import LinkedFile, OutputFile
from sitegen.sitecache import FILE_MODE, write_atomic
from sitegen.writer import link_or_copy

PACKAGE = Path(__file__).resolve().parent
KINDS = ("parse", "pages", "files")
PRUNE_AGE_SECONDS = 3600
"""Unused entries younger than this are kept: a concurrent build may have just made them."""
PRUNE_EVERY_SECONDS = 600
"""Scans for unused entries at most this often: the cache holds at most 70 minutes' worth of
entries no build used, rather than 60."""
_CHECK = 16


DISTRIBUTIONS = ("markdown-it-py", "mdit-py-plugins", "Jinja2", "PyYAML", "nh3", "css-inline", "Pillow", "fonttools",
                 "brotli", "fontpkg-noto-sans", "noto-cjk-sans-otc", "pagefind-bin", "Babel")
"""Installed packages whose version can change what a build writes."""


@functools.cache
def packages_stamp() -> str:
    versions = []
    for name in DISTRIBUTIONS:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return ",".join(versions)


@functools.cache
def code_stamp() -> bytes:
    """A digest of sitegen's own code, the Python running it and the packages whose version can
    change what it writes: results cached by one version are never used by another (nor by the
    same version number with edited code, as in development; nor after a Markdown, Jinja2 or
    Babel upgrade)."""
    h = hashlib.blake2b(f"{sys.version}\0{packages_stamp()}".encode(), digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


def key_of(*parts: bytes) -> str:
    h = hashlib.blake2b(code_stamp(), digest_size=20)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


def _name(kind: str, key: str) -> str:
    return f"{key}.html" if kind == "pages" else key


PACK = "pack"
"""The parse entry holding {key: parse result} of every file of the build that last wrote it:
one pickle loads in about a third of the time of its 10,000 entries one by one (each small
pickle looks its classes up again). Files parsed or loaded since are kept one by one, as ever."""


PACK_CHUNK = 500
"""Parse results per pickle in the pack: as fast to load as one pickle of them all, and smaller."""

MAX_ORIGINS = 1_000_000
"""Parse results remembered by identity per Store (one per build; serve keeps its one)."""


class Store:
    """Entries of the cache folder `root`, and which ones this run used (for pruning)."""

    def __init__(self, root: Path):
        self.root = root
        self.used: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.hits = 0
        self.misses = 0
        self.origins: dict[int, tuple[object, str]] = {}
        """id -> (object, key) of parse results this run took from (or put in) the cache: such an
        object is exactly what its entry holds, so its render-key digest is the key's (see `origin`)."""

    def file(self, kind: str, key: str) -> str:
        """The entry's file as a string: a build looks up 10,000 parse entries and 24,000 pages,
        and joining Path objects for them took about a second."""
        return f"{self.root}/{kind}/{_name(kind, key)}"

    def path(self, kind: str, key: str) -> Path:
        return Path(self.file(kind, key))

    def has(self, kind: str, key: str) -> bool:
        found = os.path.isfile(self.file(kind, key))
        self._count(kind, key, found)
        return found

    def has_all(self, kind: str, keys: Sequence[str]) -> bool:
        """Whether every one of these entries is there, from one listing of the folder rather than
        a stat each (a build's 23,000 pages); they count as used."""
        try:
            present = set(os.listdir(self.root / kind))
        except OSError:
            return False
        names = [_name(kind, key) for key in keys]
        if not present.issuperset(names):
            return False
        self.used[kind].update(names)
        self.hits += len(names)
        return True

    def load(self, kind: str, key: str) -> Any:
        """The object stored under `key`, or None when it is missing or damaged."""
        try:
            with open(self.file(kind, key), "rb") as fh:
                data = fh.read()
        except OSError:
            self._count(kind, key, False)
            return None
        body = data[_CHECK:]
        ok = data[:_CHECK] == hashlib.blake2b(body, digest_size=_CHECK).digest()
        self._count(kind, key, ok)
        return pickle.loads(body) if ok else None

    def load_pack(self, salt: bytes) -> dict[str, Any]:
        """The pack, checked like any entry but read as a stream: its bytes (37 MB at 10,000
        briefs) are never in memory whole, beside the objects they make. `salt`: the parse
        settings; a pack made with other settings or code is not read at all. It is PACK_CHUNK
        entries per pickle: one pickle of 10,000 left the process 28 MB larger (the
        unpickler's table of every object grows to megabytes, and freed, still holds pages)."""
        try:
            with open(self.file("parse", PACK), "rb") as fh:
                check = fh.read(_CHECK)
                h = hashlib.blake2b(digest_size=_CHECK)
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
                if h.digest() != check:
                    self._count("parse", PACK, False)
                    return {}
                fh.seek(_CHECK)
                if pickle.load(fh) != key_of(b"pack", salt):
                    return {}  # made with other code or settings: no key of it would match
                packed: dict[str, Any] = {}
                while fh.peek(1):
                    packed.update(pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError):
            self._count("parse", PACK, False)
            return {}
        self._count("parse", PACK, True)
        return packed

    def save_pack(self, entries: dict[str, Any], salt: bytes) -> None:
        """Write the pack as a stream (see load_pack), whole or not at all, like any entry."""
        path = self.path("parse", PACK)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        except OSError:
            return  # a read-only cache
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(bytes(_CHECK))  # the checksum's place
                writer = _Hashing(fh)
                pickle.dump(key_of(b"pack", salt), writer, protocol=pickle.HIGHEST_PROTOCOL)
                items = list(entries.items())
                for i in range(0, len(items), PACK_CHUNK):
                    pickle.dump(dict(items[i:i + PACK_CHUNK]), writer, protocol=pickle.HIGHEST_PROTOCOL)
                fh.seek(0)
                fh.write(writer.hash.digest())
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, path)
            self.used["parse"].add(PACK)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def save(self, kind: str, key: str, data: bytes, pickled: bool = True) -> Path:
        """Store bytes (a pickle, checked on load; or a page's raw bytes). A cache that cannot be
        written (a read-only site) is not an error: the build goes on without it."""
        path = self.path(kind, key)
        if pickled:
            data = hashlib.blake2b(data, digest_size=_CHECK).digest() + data
        try:
            write_atomic(path, data)
        except OSError:
            pass
        self.used[kind].add(path.name)
        return path

    def keep_file(self, f: OutputFile) -> LinkedFile:
        """A generated file (a feed, the sitemap) kept by its path and bytes, linked from here."""
        key = key_of(f.path.encode(), f.data)
        if not self.has("files", key):
            self.save("files", key, f.data, pickled=False)
        return LinkedFile(f.path, self.path("files", key), key)

    def note_origin(self, obj: object, key: str) -> None:
        if len(self.origins) < MAX_ORIGINS:  # serve's store lives long: its first build is what gains
            self.origins[id(obj)] = (obj, key)

    def origin(self, obj: object) -> str | None:
        """The parse entry this very object was loaded from (identity, not equality), or None."""
        hit = self.origins.get(id(obj))
        return hit[1] if hit is not None and hit[0] is obj else None

    def _count(self, kind: str, key: str, hit: bool) -> None:
        if hit:
            self.hits += 1
            self.used[kind].add(_name(kind, key))
        else:
            self.misses += 1

    def prune(self, kinds: Sequence[str]) -> int:
        """Delete entries of these kinds that this run did not use (and are not young). A scan
        stats every unused entry, which after a template edit at 10,000 briefs is 24,000 pages
        (about a second): it runs at most every PRUNE_EVERY_SECONDS."""
        mark = self.root / "builds" / "pruned"
        try:
            if time.time() - os.stat(mark).st_mtime < PRUNE_EVERY_SECONDS:
                return 0
        except OSError:
            pass
        removed = 0
        old = time.time() - PRUNE_AGE_SECONDS
        for kind in kinds:
            used = self.used[kind]
            try:
                entries = os.scandir(self.root / kind)  # not listed first: 200,000 entries are 50 MB
            except OSError:
                continue
            with entries:
                for entry in entries:
                    try:
                        if entry.name not in used and entry.stat(follow_symlinks=False).st_mtime < old:
                            os.unlink(entry.path)
                            removed += 1
                    except OSError:
                        pass
        with contextlib.suppress(OSError):
            write_atomic(mark, b"")
        return removed


class _Hashing:
    """A file's write(), hashing what goes through it."""

    def __init__(self, fh: Any):
        self.fh = fh
        self.hash = hashlib.blake2b(digest_size=_CHECK)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.fh.write(data)


class StoredParse:
    """parse(file, bytes) that returns its result pickled (run in workers: the parent stores
    the bytes as they are and unpickles once)."""

    def __init__(self, parse: Callable[[Any, bytes], Any]):
        self.parse = parse

    def __call__(self, item: tuple[Any, bytes]) -> bytes:
        return pickle.dumps(self.parse(*item), protocol=pickle.HIGHEST_PROTOCOL)


def link_tree(src: Path, dest: Path) -> int:
    """Hard-link (or copy, across file systems) every file under `src` to the same place under
    `dest`. Returns the file count."""
    count = 0
    top, base = os.fspath(src), os.fspath(dest)
    for folder, dirs, files in os.walk(top):
        # strings, not Path objects: a search bundle at 10,000 briefs is 20,000 files
        out = base + folder[len(top):]
        os.makedirs(out, exist_ok=True)
        for name in files:
            link_or_copy(f"{folder}/{name}", f"{out}/{name}")
            count += 1
    return count


class TreeStore:
    """Whole folders by key (the search bundle): `trees/<kind>/<key>/`, made complete under a
    temporary name and then renamed, so a folder under a real key is always whole."""

    KEEP = 2
    """Folders kept per kind: this build's and the one before (a branch switch back is free)."""

    def __init__(self, root: Path, kind: str, keep: int = KEEP):
        self.folder = root / "trees" / kind
        self.keep = keep

    def relative(self, key: str) -> str:
        """The folder of `key`, relative to the cache folder."""
        return f"trees/{self.folder.name}/{key}"

    def get(self, key: str, dest: Path) -> bool:
        src = self.folder / key
        if not src.is_dir():
            return False
        link_tree(src, dest)
        os.utime(src)  # most recently used: pruned last
        return True

    def touch(self, key: str) -> bool:
        """Whether the folder of `key` is kept, marking it most recently used."""
        try:
            os.utime(self.folder / key)
        except OSError:
            return False
        return True

    def put(self, key: str, src: Path) -> None:
        tmp = self.folder / f".tmp-{os.getpid()}-{key}"
        try:
            link_tree(src, tmp)
            os.rename(tmp, self.folder / key)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a read-only cache, or a concurrent build won
        self._prune(key)

    def _prune(self, key: str) -> None:
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.stat().st_mtime, reverse=True)
        except OSError:
            return
        old = time.time() - PRUNE_AGE_SECONDS
        kept = 0
        for e in entries:
            if e.name.startswith(".tmp-"):
                if e.stat().st_mtime < old:
                    shutil.rmtree(e.path, ignore_errors=True)
                continue
            kept += 1
            if kept > self.keep and e.name != key:
                shutil.rmtree(e.path, ignore_errors=True)


CACHE_ENTRIES = frozenset({*KINDS, "trees", "builds", "spare", "cards", "fonts"})
"""What a build keeps in the cache folder: `clean` deletes a folder holding only these."""


def clean(root: Path) -> str:
    """Delete the cache folder `root`; returns what was removed ('' when there was none).
    A folder holding anything a build does not make there is refused (a mistyped
    --cache-dir must never delete someone's files)."""
    if not root.is_dir():
        return ""
    foreign = sorted(e.name for e in os.scandir(root) if e.name not in CACHE_ENTRIES and not e.name.startswith(".tmp-"))
    if foreign:
        raise BuildFailed([Diagnostic(SourceLocation(str(root), 1, 1),
                                      f"refusing to delete '{root}': it is not only a build cache (it has {', '.join(foreign[:3])})",
                                      "check the --cache-dir folder; sitegen clean deletes only a folder the build made",
                                      code=Code.BAD_OPTION)])
    shutil.rmtree(root)
    return str(root)
