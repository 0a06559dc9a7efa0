"""Find the judge tools that .ci/install-judges.sh installs, and fail or skip when one is missing.

In CI (the CI environment variable is set) a missing judge fails the test: a judge that does
not run must never look like a judge that passed. Locally it skips, naming the installer.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = "run .ci/install-judges.sh"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
"""Flags that work for Debian's Chromium as root in a container."""


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def require(found: object, what: str) -> None:
    """Fail in CI, skip locally, when a judge tool is missing (found is falsy)."""
    if found:
        return
    message = f"judge tool missing: {what}; {INSTALL_HINT}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Judges:
    """Where each judge lives; every attribute is None when the tool is not installed."""

    home: Path
    java: str | None
    node: str | None
    xmllint: str | None
    chromium: str | None

    @classmethod
    def locate(cls) -> "Judges":
        home = Path(os.environ.get("SITEGEN_JUDGES") or Path.home() / ".cache" / "sitegen-judges")
        chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
        return cls(home=home, java=shutil.which("java"), node=shutil.which("node"),
                   xmllint=shutil.which("xmllint"), chromium=chromium if Path(chromium).exists() else None)

    def _file(self, rel: str) -> str | None:
        path = self.home / "node_modules" / rel
        return str(path) if path.is_file() else None

    @property
    def vnu_jar(self) -> str | None:
        return self._file("vnu-jar/build/dist/vnu.jar")

    @property
    def axe_js(self) -> str | None:
        return self._file("axe-core/axe.min.js")

    @property
    def linkinator(self) -> str | None:
        return self._file(".bin/linkinator")

    @property
    def lighthouse(self) -> str | None:
        return self._file(".bin/lighthouse")
