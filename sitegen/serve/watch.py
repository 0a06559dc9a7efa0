"""Which file changes matter to a rebuild, and the watchfiles loop that reports them.

classify_change() is pure (paths in, a kind out: no file system access), so it is
table-tested; watch_site() is the thin loop around watchfiles.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

log = logging.getLogger(__name__)


class ChangeKind(enum.Enum):
    CONFIG = "config"
    """sitegen.yaml: everything may change."""
    CONTENT = "content"
    """A brief or page (or one of their folders)."""
    LAYOUT = "layout"
    """A template or the stylesheet it includes."""
    STATIC = "static"


_EDITOR_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".kate-swp", ".bak")


def _is_editor_temp(name: str) -> bool:
    """Backup, swap and lock files editors write next to the file being edited."""
    return (name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES)
            or name == "4913")  # vim's probe that a folder is writable


def classify_change(site_dir: PurePath, path: PurePath) -> ChangeKind | None:
    """What kind of input `path` is for the site in `site_dir`, or None if no build reads it."""
    try:
        rel = path.relative_to(site_dir)
    except ValueError:
        return None
    parts = rel.parts
    if not parts:
        return None
    if parts == ("sitegen.yaml",):
        return ChangeKind.CONFIG
    top, name = parts[0], parts[-1]
    if top == "content":
        if parts in (("content",), ("content", "briefs")):
            return ChangeKind.CONTENT  # the folder itself appeared, vanished or was renamed
        if _is_editor_temp(name) or not name.endswith(".md"):
            return None
        if len(parts) == 2 or (len(parts) == 3 and parts[1] == "briefs"):
            return ChangeKind.CONTENT
        return None  # deeper folders are not read
    if top in ("layouts", "static"):
        if len(parts) > 1 and any(_is_editor_temp(p) for p in parts[1:]):
            return None
        return ChangeKind.LAYOUT if top == "layouts" else ChangeKind.STATIC
    return None


@dataclass(frozen=True)
class ChangeBatch:
    kinds: frozenset[ChangeKind]
    paths: tuple[Path, ...]
    """Every relevant path that changed, for the parse cache's dirty set."""


def classify_batch(site_dir: Path, changes: set[tuple[object, str]]) -> ChangeBatch | None:
    kinds: set[ChangeKind] = set()
    paths: list[Path] = []
    for _, raw in changes:
        kind = classify_change(PurePath(site_dir), PurePath(raw))
        if kind is not None:
            kinds.add(kind)
            paths.append(Path(raw))
    if not kinds:
        return None
    return ChangeBatch(frozenset(kinds), tuple(sorted(set(paths))))


def watch_site(site_dir: Path, stop: threading.Event, step_ms: int = 15) -> Iterator[ChangeBatch]:
    """Yield a batch for every burst of relevant changes, until `stop` is set or Ctrl-C."""
    import watchfiles  # imported here: build and check do not need it

    site_dir = site_dir.absolute()

    def wanted(_change: watchfiles.Change, raw: str) -> bool:
        return classify_change(PurePath(site_dir), PurePath(raw)) is not None

    for changes in watchfiles.watch(site_dir, watch_filter=wanted, stop_event=stop, step=step_ms,
                                    debounce=1600, raise_interrupt=False, rust_timeout=500):
        batch = classify_batch(site_dir, changes)
        if batch is not None:
            yield batch


def run_watch_loop(site_dir: Path, stop: threading.Event, on_batch: Callable[[ChangeBatch], None]) -> None:
    for batch in watch_site(site_dir, stop):
        on_batch(batch)
