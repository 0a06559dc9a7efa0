"""serve's head start: a cached build of exactly these inputs, served from the build cache.

When the cache holds a build of the site's current files (`sitegen build` ran, or a CI cache was
restored), serve answers with it at once while its own first build runs in the background. The
files are read where the cache keeps them: nothing is written, because making a 10,000-brief
site's 18,000 folders took 0.8 to 3.5 s on this machine's disk, most of serve's start. Once the
first build is in the output folder, the server serves that folder instead.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sitegen.pages.search import BUNDLE as SEARCH_BUNDLE
from sitegen.pipeline import BuildOptions, latest_manifest
from sitegen.serve.output import static_files, walk_files


@dataclass(frozen=True)
class EarlyBuild:
    files: dict[str, str]
    """Output path -> the file that holds its bytes (in the cache, or a static folder)."""
    pages: int
    search: Path | None
    """The cached search bundle's folder, if the site has one."""
    seconds: float
    """How long finding it took."""


def cached_build(options: BuildOptions) -> EarlyBuild | None:
    """The cached build of exactly these inputs, still exact now; None when there is none."""
    start = time.perf_counter()
    found = latest_manifest(options)
    if found is None:
        return None
    manifest, root = found
    # As the writer makes a site: static folders first, the built files over them.
    files = {rel: os.fspath(p) for rel, p in static_files(options.site_dir).items()}
    base = os.fspath(root)
    for path, rel in manifest.files:
        files[path] = f"{base}/{rel}"
    search = None
    if manifest.search is not None:
        search = root / manifest.search
        bundle = os.fspath(search)
        for rel in walk_files(search):
            files[f"{SEARCH_BUNDLE}/{rel}"] = f"{bundle}/{rel}"
    return EarlyBuild(files, manifest.pages, search, time.perf_counter() - start)
