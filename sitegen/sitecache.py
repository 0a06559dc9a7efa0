"""The site's own cache folder, `.sitegen/`: what a build may keep between runs.

Everything in it can be deleted at any time (the next build makes it again), `sitegen init`
lists it in .gitignore, and nothing else outside the output folder is ever written. Files
are written whole or not at all (a temporary file, then a rename), so a killed build never
leaves a torn file that a later build would use.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CACHE_DIR = ".sitegen"
FILE_MODE = 0o644
"""Cached files are hard-linked into the output, so they get the mode of a file a web server reads."""


class CannotMake(Exception):
    """A cached file cannot be made in this environment (a library or a font is missing or
    broken): the build says why in one line and goes on without it."""


def cache_root(site_dir: Path) -> Path:
    """SITE_DIR/.sitegen: one folder per kind of cached thing under it (cards/, ...)."""
    return site_dir / CACHE_DIR


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file, the new one, or none: never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; the output links to this file and is served
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
