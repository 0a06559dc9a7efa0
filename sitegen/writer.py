"""Atomic output: build the whole site in a staging folder, then swap it in at once.

A killed or failed build leaves the previous output untouched: readers of the output
folder see the old site or the new one, never a mix. On Linux the swap is a single
renameat2(RENAME_EXCHANGE); elsewhere two renames with a very short gap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import LinkedFile, OutputFile
from sitegen.paths import escapes, link_escapes, real_root

TRASH_GRACE_SECONDS = 600
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class UnsafeOutputPath(ValueError):
    pass


def checked_rel(rel: str) -> str:
    """`rel` if it names a place inside any folder by its letters alone (no symlink followed)."""
    if (not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel
            or any(part in ("..", ".", "") for part in rel.split("/"))):
        raise UnsafeOutputPath(f"refusing to write unsafe output path {rel!r}")
    return rel


def safe_join(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that could land outside root (a symlink inside root included)."""
    dest = root.joinpath(*PurePosixPath(checked_rel(rel)).parts)
    if escapes(dest, real_root(root)):
        raise UnsafeOutputPath(f"refusing to write outside the output folder: {rel!r}")
    return dest


def check_output_dir(site_dir: Path, output: Path) -> None:
    """Refuse output folders whose replacement would destroy the user's files."""
    site = site_dir.resolve()
    out = output.resolve()
    problem = ""
    if out == site or site.is_relative_to(out):
        problem = "the output folder contains the site itself"
    elif any(out.is_relative_to(site / d) for d in ("content", "layouts", "static")):
        problem = "the output folder is inside content/, layouts/ or static/"
    elif out.is_dir() and ((out / "sitegen.yaml").exists() or (out / "content").is_dir()):
        problem = "the output folder looks like a site (it has sitegen.yaml or content/)"
    if problem:
        raise BuildFailed([Diagnostic(SourceLocation(str(output), 1, 1),
                                      f"refusing to use '{output}' as the output folder: {problem}",
                                      "pick a dedicated folder such as public/; it is replaced on every build",
                                      code=Code.OUTPUT_FOLDER)])


def write_site(output: Path, files: Iterable[OutputFile | LinkedFile], static_dirs: Iterable[Path] = (),
               finish: Callable[[Path], None] | None = None) -> int:
    """Write every file into a fresh staging folder, then swap it with `output`. Returns the file count.

    `finish(staging)` runs once every file is written and before the swap: a step that reads the
    whole site (the search indexer) sees it complete, and its output is swapped in with it."""
    try:
        return _write_site(output.absolute(), files, static_dirs, finish)
    except OSError as e:  # a full disk, a read-only folder, a file where a folder must go, ...
        raise BuildFailed([Diagnostic(
            SourceLocation(str(output), 1, 1), f"cannot write the output: {e.strerror or e} ({e.filename or output})",
            "check that the output folder can be created and written; the previous output was kept",
            code=Code.OUTPUT_FOLDER)]) from None


def _write_site(output: Path, files: Iterable[OutputFile | LinkedFile], static_dirs: Iterable[Path],
                finish: Callable[[Path], None] | None) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output)
    staging = output.parent / f".{output.name}.sitegen-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    count = 0
    try:
        for static in static_dirs:
            if static.is_dir():
                shutil.copytree(static, staging, dirs_exist_ok=True, symlinks=False,
                                ignore=_outside(static))
        # The staging folder holds no symlink (every folder in it is made here or copied with
        # symlinks=False), so a path that is safe by its letters stays inside it: no realpath
        # per file, which took most of linking a 24,000-file build from the cache.
        root = str(staging)
        made: set[str] = set()
        for f in files:
            dest = root + "/" + checked_rel(f.path)
            parent = dest.rpartition("/")[0]
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            if isinstance(f, LinkedFile):
                link_or_copy(f.source, dest)
            else:
                with open(dest, "wb") as out:
                    out.write(f.data)
            count += 1
        if finish is not None:
            finish(staging)
        swap_in(staging, output)
    finally:
        if staging.exists():
            if count >= BACKGROUND_REMOVAL_FILES:
                remove_in_background(staging)
            else:
                shutil.rmtree(staging, ignore_errors=True)
    return count


BACKGROUND_REMOVAL_FILES = 2000
"""An old output this big is deleted by a detached process once the new one is in place:
deleting 10,000 folders can take longer than building them (much longer on a disk mounted
with `discard`), and nothing waits for it."""


def remove_in_background(folder: Path) -> None:
    """Rename `folder` to a trash name beside it and delete it in a detached process; if that
    cannot start, delete it here. A trash folder left by a killed remover is deleted by a later
    build (_remove_stale_staging)."""
    trash = folder.parent / f"{folder.name.split('.sitegen-')[0]}.sitegen-trash-{time.time_ns()}"
    try:
        os.rename(folder, trash)
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(trash if trash.exists() else folder, ignore_errors=True)


def link_or_copy(source: str | os.PathLike[str], dest: str | os.PathLike[str]) -> None:
    """Put the cached file `source` at `dest`: a hard link (no bytes read or written), or a copy
    where links cannot be made (another file system, a file system without them)."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _outside(root: Path):  # type: ignore[no-untyped-def]
    """copytree ignore-callback: skip symlinks that lead outside the static folder."""
    real = real_root(root)

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if link_escapes(os.path.join(folder, name), real)]

    return ignore


def swap_in(staging: Path, output: Path) -> None:
    """Put the folder `staging` at `output`; the old output, if any, ends up at `staging`
    (or is removed, where the swap takes two renames)."""
    if not output.exists():
        os.rename(staging, output)
        return
    if not output.is_dir():
        raise BuildFailed([Diagnostic(SourceLocation(str(output), 1, 1), "the output path exists and is not a folder",
                                      "remove it or choose another --output", code=Code.OUTPUT_FOLDER)])
    if _exchange(staging, output):
        return  # staging now holds the old site; the caller removes it
    old = output.parent / f".{output.name}.sitegen-old-{os.getpid()}"
    os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _remove_stale_staging(output: Path) -> None:
    """Staging folders left by killed builds (their process is gone) are deleted."""
    prefix = f".{output.name}.sitegen-"
    for entry in output.parent.iterdir():
        if entry.name.startswith(prefix + "trash-") and entry.is_dir():
            # Its remover was killed, or is still running: either way, deleting it again is safe.
            if time.time() - entry.stat().st_mtime > TRASH_GRACE_SECONDS:
                remove_in_background(entry)
        elif entry.name.startswith(prefix) and entry.is_dir():
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
