"""Full-text search: run Pagefind over a built site folder.

Pagefind reads the site's HTML and writes a static index and its UI under `pagefind/`.
Only brief pages carry `data-pagefind-body` (drafts never do), so lists and drafts are not
indexed. The binary comes from the `pagefind-bin` wheel (or `pagefind-bin-extended`, with
CJK word segmentation, when that is installed), or from SITEGEN_PAGEFIND: a path to a
binary, or `off`. Search is optional: when there is no binary or it fails, the site still
builds and `index_site` says, in one line, that search is off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sitegen.pages.search import BUNDLE

ENV = "SITEGEN_PAGEFIND"
"""Path of a Pagefind binary to use instead of the packaged one, or `off`."""
GLOB = "briefs/*/index.html"
"""Only brief pages can carry data-pagefind-body: Pagefind reads no other page."""
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchIndex:
    indexed: bool
    note: str = ""
    """One line for the author when search is off (empty when it is on)."""


def find_binary() -> tuple[str | None, str]:
    """(path of the Pagefind binary, or None with the reason)."""
    env = os.environ.get(ENV)
    if env is not None and env.strip():
        if env.strip().lower() == "off":
            return None, f"{ENV}=off"
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env, ""
        return None, f"{ENV}={env} is not an executable file"
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            mod = __import__(module)
            return str(mod.get_executable()), ""
        except (ImportError, FileNotFoundError):
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found:
        return found, ""
    return None, "the pagefind-bin package is not installed (pip install pagefind-bin)"


def _lower_priority() -> None:
    """In the child: yield the CPU to serve, and die with it (Linux: PR_SET_PDEATHSIG), so a
    preview stopped mid-index leaves no Pagefind behind."""
    os.nice(10)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def index_site(folder: Path, output: Path | None = None, background: bool = False) -> SearchIndex:
    """Index the built site in `folder`, writing the bundle to `output` (default folder/pagefind).
    Never raises for a missing or failing binary: the site is complete without search.
    `background`: at a lower CPU priority, so serve's rebuilds and the browser's reload go first."""
    binary, why = find_binary()
    if binary is None:
        return SearchIndex(False, f"search is off: {why}; the site was built without /search/ results")
    out = output if output is not None else folder / BUNDLE
    cmd = [binary, "--site", str(folder), "--output-path", str(out), "--glob", GLOB, "--silent"]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False,
                              preexec_fn=_lower_priority if background and hasattr(os, "nice") else None)
    except (OSError, subprocess.TimeoutExpired) as e:
        return SearchIndex(False, f"search is off: pagefind could not run ({e})")
    if proc.returncode != 0 or not (out / "pagefind-ui.js").is_file():
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        reason = detail[-1] if detail else f"exit code {proc.returncode}"
        return SearchIndex(False, f"search is off: pagefind failed ({reason})")
    return SearchIndex(True)
