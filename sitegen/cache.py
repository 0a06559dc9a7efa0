"""Caches that make rebuilds incremental: parsed files by content, rendered pages by inputs.

Both are plain objects owned by their caller (serve keeps one of each for its lifetime);
nothing here is global. Correctness rule: a cache hit must give exactly what a clean
build would compute, so every key covers every input of the cached function.

- ParseCache: parse_file() is pure in (kind, path, bytes, settings). A file is re-read
  when its stat signature changed or when the caller says it changed (serve passes the
  watcher's report); it is re-parsed only when its content hash or the settings changed.
- Fingerprinter + TemplateDeps + render_key(): a page job's key hashes its template name,
  its context, the Environment globals (config, nav) and the source of every template
  the job's template can reach through extends/include/import. A job is re-rendered only
  when its key differs from the key of the bytes already in the output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.meta

from sitegen.content import ParseSettings, SourceFile, discover, rediscover
from sitegen.errors import Diagnostic
from sitegen.parallel import map_ordered
from sitegen.templates import reachable

R = TypeVar("R")

RACY_NS = 2_000_000_000
"""A file modified this close to when we read it may change again within the same
timestamp tick, so its stat signature is not trusted next time (git's 'racy' rule)."""


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(frozen=True)
class StatSig:
    mtime_ns: int
    ctime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> StatSig:
        return cls(st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class _ParseEntry:
    sig: StatSig | None
    """None when the signature cannot be trusted (racy): the content is hashed again."""
    content: bytes
    settings: ParseSettings
    result: Any


class _ParseMiss:
    """The parse function over (file, bytes) pairs, for map_ordered."""

    def __init__(self, parse: Callable[[SourceFile, bytes], R]):
        self.parse = parse

    def __call__(self, item: tuple[SourceFile, bytes]) -> R:
        return self.parse(*item)


class ParseCache:
    """Parsed content files by (path, content hash, settings)."""

    def __init__(self) -> None:
        self._entries: dict[str, _ParseEntry] = {}
        self.parsed = 0
        """Files parsed by the last parse_all (misses): for tests and the benchmark."""
        self._discovered: tuple[Path, tuple[SourceFile, ...]] | None = None

    def discover(self, site_dir: Path, changed: Sequence[SourceFile] | None = None,
                 ) -> tuple[tuple[SourceFile, ...], tuple[Diagnostic, ...]]:
        """content.discover(), or the last listing patched with `changed`: every content file
        changed since the last call (a watcher's report), or None when that is not known."""
        if changed is not None and self._discovered is not None and self._discovered[0] == site_dir:
            files = rediscover(site_dir, self._discovered[1], changed)
            if files is not None:
                self._discovered = (site_dir, files)
                return files, ()
        files, diags = discover(site_dir)
        self._discovered = (site_dir, files) if not diags else None
        return files, diags

    def parse_all(self, files: Sequence[SourceFile], settings: ParseSettings,
                  parse: Callable[[SourceFile, bytes], R], workers: int | None = None,
                  changed: Collection[str] | None = None,
                  parse_many: Callable[[list[tuple[SourceFile, bytes]]], Iterable[R]] | None = None) -> list[R]:
        """parse(f, bytes) for every file, in order, reusing earlier results where the input is
        unchanged. `changed`: the files (as shown) that changed since the last parse_all, when
        every change is known (a watcher's report): the others are not even stat'ed. None:
        every file's stat is checked. `parse_many`: parses the files not in memory (default:
        `parse` over them in worker processes); the pipeline's also reads the persistent cache."""
        now_ns = time.time_ns()
        results: list[Any] = [None] * len(files)
        misses: list[tuple[int, SourceFile, bytes, StatSig | None, bytes]] = []
        entries: dict[str, _ParseEntry] = {}
        for i, f in enumerate(files):
            old = self._entries.get(f.shown)
            if old is not None and old.settings != settings:
                old = None
            marked = changed is not None and f.shown in changed
            if changed is not None and old is not None and not marked:
                entries[f.shown] = old  # the watcher reported no change to it
                results[i] = old.result
                continue
            try:
                sig = StatSig.of(os.stat(f.path))
            except OSError:
                results[i] = parse(f, None)  # type: ignore[arg-type]  # reports the read error
                continue
            if old is not None and old.sig == sig and not marked:
                entries[f.shown] = old
                results[i] = old.result
                continue
            try:
                data = f.path.read_bytes()
            except OSError:
                results[i] = parse(f, None)  # type: ignore[arg-type]
                continue
            content = digest(data)
            if old is not None and old.content == content:
                entries[f.shown] = _ParseEntry(_trusted(sig, now_ns), content, settings, old.result)
                results[i] = old.result
                continue
            misses.append((i, f, data, _trusted(sig, now_ns), content))
        pairs = [(f, data) for _, f, data, _, _ in misses]
        parsed = map_ordered(_ParseMiss(parse), pairs, workers) if parse_many is None else parse_many(pairs)
        for (i, f, _, trusted, content), result in zip(misses, parsed):
            entries[f.shown] = _ParseEntry(trusted, content, settings, result)
            results[i] = result
        self._entries = entries  # files gone from disk are forgotten
        self.parsed = len(misses)
        return results

    def reparse(self, files: Sequence[SourceFile], settings: ParseSettings,
                parse: Callable[[SourceFile, bytes], R]) -> list[R]:
        """Read and parse just these files (the watcher says they changed); every other
        entry is kept as it is."""
        now_ns = time.time_ns()
        results: list[Any] = []
        for f in files:
            try:
                sig = StatSig.of(os.stat(f.path))
                data = f.path.read_bytes()
            except OSError:
                self._entries.pop(f.shown, None)
                results.append(parse(f, None))  # type: ignore[arg-type]  # reports the read error
                continue
            content = digest(data)
            old = self._entries.get(f.shown)
            same = old is not None and old.content == content and old.settings == settings
            result = old.result if same else parse(f, data)  # type: ignore[union-attr]
            self._entries[f.shown] = _ParseEntry(_trusted(sig, now_ns), content, settings, result)
            results.append(result)
        self.parsed = len(files)
        return results


def _trusted(sig: StatSig, now_ns: int) -> StatSig | None:
    """The signature to remember, or None when the file changed too recently to trust it."""
    return sig if sig.mtime_ns < now_ns - RACY_NS else None

# --- page keys -----------------------------------------------------------------------------

class _Digested:
    """Stands in for an already digested frozen dataclass inside a pickle."""

    def __init__(self, d: bytes):
        self.d = d


class _KeyPickler(pickle.Pickler):
    """A pickler whose bytes depend only on values: no memo (fast mode), and frozen
    dataclasses replaced by their remembered digest."""

    def __init__(self, file: io.BytesIO, fingerprints: Fingerprinter):
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: equal values give equal bytes whatever their identity
        self.fingerprints = fingerprints

    def reducer_override(self, obj: Any) -> Any:
        fields = self.fingerprints._fields(type(obj))
        if fields is None:
            return NotImplemented
        return _Digested, (self.fingerprints._dataclass(obj, fields),)


class Fingerprinter:
    """Stable digests of render contexts.

    Frozen dataclasses are immutable, so each instance is digested once and remembered by
    identity for as long as it is alive in the current or previous round (parsed briefs are
    reused across rebuilds by ParseCache, so most of a large site is a lookup).
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._next: dict[int, tuple[object, bytes]] = {}
        self._frozen: dict[type, tuple[str, ...] | None] = {}

    def new_round(self) -> None:
        """Forget objects not used since the previous round (keeps memory bounded)."""
        self._memo, self._next = self._next, {}

    def digest(self, obj: Any) -> bytes:
        return self._pickle(obj)

    def seed(self, obj: Any, d: bytes) -> None:
        """Take `d` as the digest of this object (by identity) for as long as it is used: for a
        frozen dataclass whose value `d` is known to fix (pipeline.known_digests)."""
        self._next[id(obj)] = (obj, d)

    def _pickle(self, obj: Any) -> bytes:
        buf = io.BytesIO()
        _KeyPickler(buf, self).dump(obj)
        return digest(buf.getvalue())

    def _fields(self, t: type) -> tuple[str, ...] | None:
        try:
            return self._frozen[t]
        except KeyError:
            params = getattr(t, "__dataclass_params__", None)
            fields = (tuple(f.name for f in dataclasses.fields(t))  # type: ignore[arg-type]
                      if params is not None and params.frozen else None)
            self._frozen[t] = fields
            return fields

    def _dataclass(self, obj: Any, fields: tuple[str, ...]) -> bytes:
        key = id(obj)
        hit = self._next.get(key) or self._memo.get(key)
        if hit is not None and hit[0] is obj:
            self._next[key] = hit
            return hit[1]
        t = type(obj)
        d = self._pickle((t.__module__, t.__qualname__, tuple([getattr(obj, f) for f in fields])))
        self._next[key] = (obj, d)
        return d


class TemplateDeps:
    """For one Environment: a digest of every template source a template can reach."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._closure: dict[str, bytes] = {}
        self._sources: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def digest(self, name: str) -> bytes:
        if name not in self._closure:
            names = self._reachable(name)
            h = hashlib.blake2b(digest_size=16)
            if names is None:  # a dynamic include: any template may be used
                names = self._all_names()
            for n in sorted(names):
                h.update(n.encode() + b"\0" + self._source(n)[0].encode() + b"\0")
            self._closure[name] = h.digest()
        return self._closure[name]

    def everything(self) -> bytes:
        """A digest of every template's name and source: while it is the same, so is every
        template's closure (render keys kept from an earlier build stay exact)."""
        h = hashlib.blake2b(digest_size=16)
        for n in sorted(self._all_names()):
            try:  # the sources alone: parsing them all would cost more than the digest saves
                source = self.env.loader.get_source(self.env, n)[0]  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                source = "\0missing"
            h.update(n.encode() + b"\0" + source.encode() + b"\0")
        return h.digest()

    def _source(self, name: str) -> tuple[str, tuple[str, ...] | None]:
        if name not in self._sources:
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                self._sources[name] = ("\0missing", ())
                return self._sources[name]
            try:
                refs = tuple(jinja2.meta.find_referenced_templates(self.env.parse(source)))
                deps: tuple[str, ...] | None = None if None in refs else tuple(r for r in refs if r)
            except jinja2.TemplateSyntaxError:
                deps = ()  # rendering reports the error itself
            self._sources[name] = (source, deps)
        return self._sources[name]

    def _reachable(self, name: str) -> set[str] | None:
        return reachable(name, lambda n: self._source(n)[1])

    def _all_names(self) -> set[str]:
        return set(self.env.list_templates())


def render_key(job: Any, fingerprints: Fingerprinter, deps: TemplateDeps, globals_digest: bytes) -> bytes:
    """What the job's bytes depend on."""
    return digest(b"".join((job.template.encode(), b"\0", deps.digest(job.template), globals_digest,
                            fingerprints.digest(job.context))))
