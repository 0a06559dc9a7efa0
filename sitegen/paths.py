"""The one rule for symlinks in the site's folders: a link may lead anywhere inside its root, never out.

content/ applies it (a brief must not pull in a file the author did not mean to publish), so
do static/ (copied as-is by build and serve), the output folder (nothing is written outside
it) and the dev server (nothing outside the output folder is served).
"""

from __future__ import annotations

import os
from pathlib import Path


def real_root(root: str | os.PathLike[str]) -> Path:
    """`root` with every symlink resolved: what escapes() compares against."""
    return Path(os.path.realpath(root))


def escapes(path: str | os.PathLike[str], root: Path) -> bool:
    """Whether `path`, every symlink on the way followed, lands outside `root` (a real_root()).
    os.path.realpath, unlike Path.resolve, never raises: a link loop is resolved as far as it goes."""
    return not Path(os.path.realpath(path)).is_relative_to(root)


def link_escapes(path: str | os.PathLike[str], root: Path) -> bool:
    """`path` is a symlink that escapes `root`: the check for an entry of a folder already
    inside `root`, where a plain file or folder cannot escape (so it costs one lstat)."""
    return os.path.islink(path) and escapes(path, root)
