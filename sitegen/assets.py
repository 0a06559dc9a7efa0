"""Cached binary outputs (social cards): made once, kept in the site's `.sitegen/` folder.

A page kind lists its assets (pages.kind.Asset: output path, cache key, how to make it).
An asset whose file is in the cache costs a `stat`; the others are made, in worker processes
when there are many, and written to the cache atomically, so a killed build never leaves a
torn file that a later build would use. The output gets a LinkedFile pointing at the cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.model import LinkedFile, OutputFile
from sitegen.pages.kind import Asset
from sitegen.parallel import map_ordered
from sitegen.sitecache import CannotMake, write_atomic


@dataclass(frozen=True)
class MadeAssets:
    files: tuple[LinkedFile | OutputFile, ...]
    made: int
    """Assets made this time (cache misses)."""
    notes: tuple[str, ...] = ()
    """One line per kind of asset that could not be made here, and why."""


def cache_file(root: Path, asset: Asset) -> Path:
    """Where an asset is kept: ROOT/<cache>/<key><suffix>."""
    return root / asset.cache / f"{asset.key}{PurePosixPath(asset.path).suffix}"


class _Make:
    """Makes one asset into the cache (in a worker): (why it could not be made, or '';
    its bytes when the cache could not be written, else None)."""

    def __init__(self, root: Path):
        self.root = root

    def __call__(self, asset: Asset) -> tuple[str, bytes | None]:
        try:
            data = asset.make(asset.spec)
        except CannotMake as e:
            return str(e) or type(e).__name__, None
        try:
            write_atomic(cache_file(self.root, asset), data)
        except OSError:
            return "", data  # a read-only site: the output still gets the file
        return "", None


def make_assets(assets: Sequence[Asset], root: Path, workers: int | None = None) -> MadeAssets:
    """Every asset as an output file, making those missing from the cache at `root`."""
    missing = [a for a in assets if not cache_file(root, a).is_file()]
    failed: dict[str, str] = {}
    inline: dict[str, bytes] = {}
    for asset, (reason, data) in zip(missing, map_ordered(_Make(root), missing, workers)):
        if reason:
            failed[asset.path] = f"{asset.cache}: {reason}"
        elif data is not None:
            inline[asset.path] = data
    files: list[LinkedFile | OutputFile] = []
    for a in assets:
        if a.path in inline:
            files.append(OutputFile(a.path, inline[a.path]))
        elif a.path not in failed:
            files.append(LinkedFile(a.path, cache_file(root, a), a.key))
    notes = tuple(sorted({f"{why} ({sum(1 for w in failed.values() if w == why)} not made)"
                          for why in failed.values()}))
    return MadeAssets(tuple(files), len(missing) - len(failed), notes)


def prune(root: Path, assets: Iterable[Asset]) -> int:
    """Delete files of these assets' cache folders that none of them uses (after a full build,
    so the cache does not grow with every edited title). Returns how many were deleted."""
    keep: dict[Path, set[str]] = {}
    for a in assets:
        f = cache_file(root, a)
        keep.setdefault(f.parent, set()).add(f.name)
    removed = 0
    for folder, names in keep.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name not in names and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                    removed += 1
                except OSError:
                    pass
    return removed
