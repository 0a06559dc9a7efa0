"""Atomic output: build the whole site in a staging folder, then swap it in at once.

A killed or failed build leaves the previous output untouched: readers of the output
folder see the old site or the new one, never a mix. On Linux the swap is a single
renameat2(RENAME_EXCHANGE); elsewhere two renames with a very short gap.

The swap leaves the old output in the staging folder's place. With a build cache, that folder
is kept as the next build's *spare* (with a listing of what each of its files is), and the next
build stages by patching it: only the files that differ from it are linked, written or removed.
Making a fresh staging folder cost a one-brief rebuild of 10,000 briefs about 2 s of mkdir and
link calls for 18,000 folders and 24,000 files; the spare is two builds old, so a patch is
about two builds' changes. Readers still see only whole sites: the spare is never visible.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat
import subprocess
import sys
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation
from sitegen.model import LinkedFile, OutputFile
from sitegen.paths import escapes, link_escapes, real_root
from sitegen.sitecache import write_atomic

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


Finish = Callable[[Path, "str | None"], "str | None"]
"""finish(staging, left): a last step that reads the whole staged site (the search indexer) and
may add to it; `left` is what it returned when it last finished this folder (None: nothing
known), so it can keep what is still right. Returns what to pass it next time."""


@dataclass(frozen=True)
class Listing:
    """What one build put in its output folder, file by file, so that a later build can patch
    that folder into its own output. The folder is trusted by its identity alone: like the
    stamp of sitegen/uptodate.py, edits made inside an output folder are not looked for."""

    ident: tuple[int, int]
    """The folder's (st_dev, st_ino): a listing describes this folder and no other."""
    linked: dict[str, str]
    """Path -> the cache file it is a hard link to (cache files never change once written), or
    "" for a file written with its bytes (written again by the next patch)."""
    copied: dict[str, tuple[str, int, int]]
    """Path -> (static source, size, mtime_ns) of each file copied from a static folder."""
    left: str | None
    """What `finish` returned for this folder."""
    top: frozenset[str]
    """The names at the folder's top level."""
    folders: dict[str, int]
    """Each folder holding a listed file (but the top) -> its mtime_ns: a file someone adds
    or removes by hand changes it, and the folder is then not patched but made afresh."""


@dataclass(frozen=True)
class Reuse:
    """Where a build keeps its output's listing, and the spare folder with its listing (both in
    the build cache, which must be on the output's file system for the spare to be kept)."""

    spare: Path
    records: Path
    """`<records>.output`: the output folder's listing; `<records>.spare`: the spare's."""

    @property
    def output_record(self) -> Path:
        return self.records.with_name(self.records.name + ".output")

    @property
    def spare_record(self) -> Path:
        return self.records.with_name(self.records.name + ".spare")

    def forget(self) -> None:
        """The output is changed in place by another writer (serve): its listing is void."""
        _unlink(self.output_record)


def write_site(output: Path, files: Iterable[OutputFile | LinkedFile], static_dirs: Iterable[Path] = (),
               finish: Finish | None = None, reuse: Reuse | None = None) -> int:
    """Write every file into a staging folder, then swap it with `output`. Returns the file count.

    `finish(staging, left)` runs once every file is written and before the swap (see Finish).
    `reuse`: stage by patching the spare folder this names, and keep the old output as the next
    spare (None: a fresh staging folder; the old output is deleted)."""
    try:
        return _write_site(output.absolute(), files, static_dirs, finish, reuse)
    except OSError as e:  # a full disk, a read-only folder, a file where a folder must go, ...
        raise BuildFailed([Diagnostic(
            SourceLocation(str(output), 1, 1), f"cannot write the output: {e.strerror or e} ({e.filename or output})",
            "check that the output folder can be created and written; the previous output was kept",
            code=Code.OUTPUT_FOLDER)]) from None


def _write_site(output: Path, files: Iterable[OutputFile | LinkedFile], static_dirs: Iterable[Path],
                finish: Finish | None, reuse: Reuse | None) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output)
    staging = output.parent / f".{output.name}.sitegen-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    base = _claim_spare(reuse, staging) if reuse is not None else None
    if base is None:
        staging.mkdir()
    count = 0
    try:
        # The staging folder holds no symlink (every folder in it is made by a build, and a
        # spare's are checked by lstat where a file changes: _prepare), so a path that is safe
        # by its letters stays inside it: no realpath per file, which took most of linking a
        # 24,000-file build from the cache.
        root = str(staging)
        made: set[str] = set()
        linked: dict[str, str] = {}
        for f in files:
            rel = checked_rel(f.path)
            dest = root + "/" + rel
            count += 1
            source = os.fspath(f.source) if isinstance(f, LinkedFile) else ""
            linked[rel] = source
            if source and base is not None and base.linked.get(rel) == source:
                continue  # the spare has this very file
            _prepare(dest, root, made, base is not None)
            if isinstance(f, LinkedFile):
                link_or_copy(f.source, dest)
            else:
                with open(dest, "wb") as out:
                    out.write(f.data)
        copied = _copy_static(static_dirs, root, linked, made, base)
        if base is not None:
            _remove_gone(root, base, linked, copied)
        left = finish(staging, base.left if base is not None else None) if finish is not None else None
        shape = _shape(root, linked.keys() | copied.keys()) if reuse is not None else (frozenset(), {})
        exchanged = swap_in(staging, output)
        if reuse is not None:
            _keep_spare(reuse, staging, output, Listing(_ident(output), linked, copied, left, *shape), exchanged)
    finally:
        if staging.exists():
            if count >= BACKGROUND_REMOVAL_FILES:
                remove_in_background(staging)
            else:
                shutil.rmtree(staging, ignore_errors=True)
    return count


def _prepare(dest: str, root: str, made: set[str], patching: bool) -> None:
    """Make `dest`'s folder. Patching a spare: first remove what the spare has at `dest` (never
    write into it: it may be a hard link to a cache file), and any file or symlink where a
    folder must go (a symlink could lead out of the output: it is never followed)."""
    parent = dest.rpartition("/")[0]
    if patching:
        if _inside(parent, root, made, clear=True) and os.path.lexists(dest):
            if stat.S_ISDIR(os.lstat(dest).st_mode):
                shutil.rmtree(dest)
            else:
                os.unlink(dest)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)


def _inside(folder: str, root: str, checked: set[str], clear: bool) -> bool:
    """Whether `folder` (under `root`) is a real folder all the way down, symlinks not followed:
    each one is looked at once (`checked`). `clear`: remove the first file or symlink in its way
    (what is below it is then made afresh)."""
    at = root
    for part in folder[len(root) + 1:].split("/") if folder != root else ():
        at += "/" + part
        if at in checked:
            continue
        try:
            mode = os.lstat(at).st_mode
        except FileNotFoundError:
            return False
        if not stat.S_ISDIR(mode):
            if clear:
                os.unlink(at)
            return False
        checked.add(at)
    return True


def _copy_static(static_dirs: Iterable[Path], root: str, written: dict[str, str], made: set[str],
                 base: Listing | None) -> dict[str, tuple[str, int, int]]:
    """Copy the static folders' files (later folders win; a built file wins over them all)."""
    copied: dict[str, tuple[str, int, int]] = {}
    for rel, src in static_sources(static_dirs).items():
        if rel in written:
            continue
        st = os.stat(src)
        sig = (os.fspath(src), st.st_size, st.st_mtime_ns)
        copied[rel] = sig
        if base is not None and base.copied.get(rel) == sig:
            continue
        dest = root + "/" + rel
        _prepare(dest, root, made, base is not None)
        shutil.copy2(src, dest)
    return copied


def _remove_gone(root: str, base: Listing, written: dict[str, str], copied: dict[str, tuple[str, int, int]]) -> None:
    """Remove the spare's files this build does not make, then the folders that left empty."""
    folders: set[str] = set()
    checked: set[str] = set()
    for rel in (base.linked.keys() | base.copied.keys()) - written.keys() - copied.keys():
        dest = root + "/" + rel
        parent = dest.rpartition("/")[0]
        if _inside(parent, root, checked, clear=False) and os.path.lexists(dest) \
                and not stat.S_ISDIR(os.lstat(dest).st_mode):
            os.unlink(dest)
            folders.add(parent)
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        while folder != root and folder.startswith(root + "/"):
            try:
                os.rmdir(folder)
            except OSError:
                break  # not empty: nor are the folders above it
            folder = folder.rpartition("/")[0]


def static_sources(static_dirs: Iterable[Path]) -> dict[str, Path]:
    """rel -> source file of every file of the static folders, later folders winning; symlinks
    that lead out of their static folder are skipped, others are followed."""
    found: dict[str, Path] = {}
    for top in static_dirs:
        if not top.is_dir():
            continue
        real = real_root(top)
        for folder, dirs, names in os.walk(top, followlinks=True):
            here = Path(folder)
            dirs[:] = [name for name in dirs if not link_escapes(here / name, real)]
            for name in names:
                p = here / name
                if not link_escapes(p, real) and p.is_file():
                    found[p.relative_to(top).as_posix()] = p
    return found


def _shape(root: str, paths: Iterable[str]) -> tuple[frozenset[str], dict[str, int]]:
    """The top-level names of the folder `root` and the mtime of each folder of `paths` in it
    (about 18,000 stats at 10,000 briefs: 0.05 s)."""
    folders = {rel.rpartition("/")[0] for rel in paths} - {""}
    return frozenset(os.listdir(root)), {f: os.stat(f"{root}/{f}").st_mtime_ns for f in folders}


def _ident(folder: Path | str) -> tuple[int, int]:
    st = os.stat(folder)
    return st.st_dev, st.st_ino


def _load(record: Path) -> Listing | None:
    try:
        with open(record, "rb") as fh:
            listing = pickle.load(fh)
    except Exception:  # missing, torn or from another version: the folder is simply not reused
        return None
    return listing if isinstance(listing, Listing) and hasattr(listing, "folders") else None


def _save(record: Path, listing: Listing) -> None:
    try:
        write_atomic(record, pickle.dumps(listing, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only cache: the next build stages afresh


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _claim_spare(reuse: Reuse, staging: Path) -> Listing | None:
    """Move the spare folder to `staging` and return its listing, if it is the folder its
    listing describes. The rename claims it: of two builds at once, one gets it. Its listing
    is deleted at once: a build killed while patching leaves a staging folder to delete."""
    listing = _load(reuse.spare_record)
    _unlink(reuse.spare_record)
    try:
        if listing is None or _ident(reuse.spare) != listing.ident:
            if os.path.isdir(reuse.spare):
                remove_in_background(reuse.spare)
            return None
        os.rename(reuse.spare, staging)
    except OSError:
        return None
    try:
        # Made by hand since (a file added or removed, a symlink): staged afresh instead.
        if frozenset(os.listdir(staging)) != listing.top or any(
                os.stat(f"{staging}/{f}").st_mtime_ns != t for f, t in listing.folders.items()):
            remove_in_background(staging)
            return None
        for entry in os.scandir(staging):
            if entry.is_symlink():  # not made by a build; a later step might write through it
                os.unlink(entry.path)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    return listing


def _keep_spare(reuse: Reuse, staging: Path, output: Path, listing: Listing, exchanged: bool) -> None:
    """After the swap: record the new output's listing; when the old output is in `staging`
    and its listing is known, keep it as the spare (else the caller deletes it)."""
    old = _load(reuse.output_record)
    _save(reuse.output_record, listing)
    if not exchanged or old is None or old.ident != _ident(staging):
        return
    try:
        reuse.spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, reuse.spare)  # the same folder: its identity, and listing, hold
    except OSError:
        return  # another file system, or a spare already there (a build at the same time)
    _save(reuse.spare_record, old)


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


def swap_in(staging: Path, output: Path) -> bool:
    """Put the folder `staging` at `output`. True: the old output is now at `staging`; False:
    there was none, or it was removed (where the swap takes two renames)."""
    if not output.exists():
        os.rename(staging, output)
        return False
    if not output.is_dir():
        raise BuildFailed([Diagnostic(SourceLocation(str(output), 1, 1), "the output path exists and is not a folder",
                                      "remove it or choose another --output", code=Code.OUTPUT_FOLDER)])
    if _exchange(staging, output):
        return True  # staging now holds the old site; the caller keeps or removes it
    old = output.parent / f".{output.name}.sitegen-old-{os.getpid()}"
    os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)
    return False


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
