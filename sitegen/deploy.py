"""Warnings about a site's deployment setup: things that build fine here but break in CI.

`sitegen check` prints them; they never fail a check, because the site itself is sound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sitegen import DISTRIBUTION, __version__
from sitegen.config import CONFIG_NAME, SiteConfig
from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation, line_of

REQUIREMENTS = "requirements.txt"
LOCAL_BASE_URL = SiteConfig().base_url
"""The default base_url: right for `sitegen serve`, wrong for any published site."""

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirement_name(line: str) -> str | None:
    """The normalised project name (PEP 503) a requirements line asks for, or None (comments,
    options, URLs). `sitegen init --install` checks its argument with it too."""
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith(("#", "-")) or "://" in line.split("@", 1)[0]:
        return None
    match = _NAME.match(line)
    return re.sub(r"[-_.]+", "-", match.group(1).lower()) if match else None


def requirements_warnings(site_dir: Path) -> list[Diagnostic]:
    """requirements.txt must install sitegen, under our name and not the unrelated `sitegen`."""
    path = site_dir / REQUIREMENTS
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    pin = f"{DISTRIBUTION}=={__version__}"
    out: list[Diagnostic] = []
    names_us = False
    for number, line in enumerate(text.splitlines(), 1):
        project = requirement_name(line)
        if project == "sitegen":
            out.append(Diagnostic(
                SourceLocation(REQUIREMENTS, number, line.index(line.strip()[:1]) + 1),
                f"'sitegen' on the package index is an unrelated project; sitegen is published as '{DISTRIBUTION}'",
                f"replace this line with {pin}", line, "warning", code=Code.DEPLOYMENT))
            names_us = True  # reported above; don't also say the file lacks it
        elif project == DISTRIBUTION or (project is None and DISTRIBUTION in line.lower()) or (
                project is None and "://" in line and "sitegen" in line.lower()):
            names_us = True
    if not names_us:
        out.append(Diagnostic(
            SourceLocation(REQUIREMENTS, 1, 1),
            "requirements.txt does not name sitegen: the Pages workflow installs from it and will have no "
            "sitegen command",
            f"add the line {pin} (or {DISTRIBUTION} @ git+https://github.com/OWNER/REPO@v{__version__})",
            line_of(text, 1), "warning", code=Code.DEPLOYMENT))
    return out


def base_url_warnings(site_dir: Path, config: SiteConfig, env: Mapping[str, str]) -> list[Diagnostic]:
    """In CI, a localhost base_url means the workflow lost its --base-url step."""
    if not env.get("CI") or config.base_url != LOCAL_BASE_URL:
        return []
    where = CONFIG_NAME if (site_dir / CONFIG_NAME).is_file() else "."
    return [Diagnostic(
        SourceLocation(where, 1, 1),
        f"base_url is still the local default {LOCAL_BASE_URL} while CI is set: links, feeds and the "
        "sitemap of the published site would point at localhost",
        'build with sitegen build --base-url "${{ steps.pages.outputs.base_url }}/" in the workflow '
        "(as sitegen init writes it), or set base_url in sitegen.yaml", "", "warning", code=Code.DEPLOYMENT)]


def deploy_warnings(site_dir: Path, config: SiteConfig, env: Mapping[str, str]) -> list[Diagnostic]:
    return [*requirements_warnings(site_dir), *base_url_warnings(site_dir, config, env)]
