"""`sitegen init DIR` (a new site that builds at once) and `sitegen new "Title"` (a new brief)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from sitegen import DISTRIBUTION, __version__, brieffields
from sitegen.config import CONFIG_NAME, load_config
from sitegen.deploy import requirement_name
from sitegen.errors import SitegenError
from sitegen.urls import MAX_SLUG_BYTES, SLUG_RE, taxonomy_slug

MAX_SLUG = 60
"""Characters of a slug made from a title: a short URL (the build's limit is urls.MAX_SLUG_BYTES)."""


class ScaffoldError(SitegenError):
    """A scaffolding command refused to run (it never overwrites anything)."""


def slug_from_title(title: str) -> str:
    """'AWS Booms, Again!' -> 'aws-booms-again'; letters of every script are kept (虎嗅 stays)."""
    ascii_first = unicodedata.normalize("NFKD", title)
    # Drop combining accents (é -> e) but keep base letters of every script.
    stripped = "".join(c for c in ascii_first if not unicodedata.combining(c))
    if not any(c.isalnum() for c in stripped):
        return "brief"
    slug = taxonomy_slug(stripped)
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-") or "brief"


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def brief_skeleton(title: str, date: dt.datetime, draft: bool = False, summary: str | None = None,
                   body: str | None = None) -> str:
    """A brief with every required key filled in and every optional key present as a comment,
    from the field table: required fields first, then the others, each in table order."""
    filled = {"title": _yaml_str(title), "date": date.replace(microsecond=0).isoformat(),
              "summary": _yaml_str(summary or "One-line hook shown under the title and in every list.")}
    body = body or ("Write the analysis here, in Markdown: what happened, why it matters, "
                    "and what the reader should do about it.")
    fields = brieffields.BRIEF_FIELDS
    lines = []
    for f in [f for f in fields if f.required] + [f for f in fields if not f.required]:
        example = _PLACEHOLDER.sub(lambda m: filled[m.group(1)], f.example)
        if f.required:
            lines.append(example)
        elif f.name == "draft" and draft:
            lines.append("draft: true")
        else:
            lines += ["# " + line for line in example.splitlines()]
    return "---\n" + "\n".join(lines) + f"\n---\n{body}\n"


_PLACEHOLDER = re.compile(r"\{(title|date|summary)\}")


def new_brief(site_dir: Path, title: str, slug: str | None = None, draft: bool = False,
              now: dt.datetime | None = None) -> Path:
    """Write content/briefs/<slug>.md dated now in the site timezone; never overwrite."""
    if not title.strip():
        raise ScaffoldError("error: the title is empty\n  hint: sitegen new \"What happened\"")
    config = load_config(site_dir)
    slug = slug or slug_from_title(title)
    if not SLUG_RE.match(slug) or len(slug.encode()) > MAX_SLUG_BYTES:
        raise ScaffoldError(f"error: '{slug}' is not a valid slug\n"
                            f"  hint: use letters, digits and '-', at most {MAX_SLUG_BYTES} bytes")
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(config.tz)
    path = site_dir / "content" / "briefs" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": refuse to overwrite
            fh.write(brief_skeleton(title.strip(), when, draft))
    except FileExistsError:
        raise ScaffoldError(f"error: {path} already exists; nothing was written\n"
                            "  hint: pick another title or pass --slug") from None
    return path


# --- init ----------------------------------------------------------------------------------

ACTIONS = {
    "checkout": "actions/checkout@v7",
    "setup-python": "actions/setup-python@v7",
    "cache": "actions/cache@v5",
    "configure-pages": "actions/configure-pages@v6",
    "upload-pages-artifact": "actions/upload-pages-artifact@v5",
    "deploy-pages": "actions/deploy-pages@v5",
}
"""Current major versions of the official actions the Pages workflow uses."""

SITE_INSTALL = "pip install -r requirements.txt"
SITE_CACHE_PATH = "requirements.txt"


def pages_workflow(install: str = SITE_INSTALL, cache_path: str = SITE_CACHE_PATH) -> str:
    """The GitHub Pages workflow: build with sitegen, deploy with the official Pages actions."""
    a = ACTIONS
    return f"""# Build the site with sitegen and deploy it to GitHub Pages.
# In the repository settings, set Pages > Build and deployment > Source to "GitHub Actions".
name: Deploy to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:
  # Hourly, so briefs with publish_at go live (and expired ones come down) without a push.
  # Change the cron line to rebuild more or less often; GitHub may delay scheduled runs.
  schedule:
    - cron: "7 * * * *"

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits instead of cancelling a deployment in flight.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: {a["checkout"]}
      - uses: {a["setup-python"]}
        with:
          python-version: "3.11"
          cache: pip
          cache-dependency-path: {cache_path}
      - name: Configure Pages
        id: pages
        uses: {a["configure-pages"]}
      - name: Install sitegen
        run: {install}
      # The build cache (.sitegen/): parsed briefs, rendered pages, the search index and the
      # social cards of the last run, keyed by content, so a push that edits one brief
      # parses and renders about one brief. Saved once per commit; a run restores the newest.
      - name: Restore the build cache
        uses: {a["cache"]}
        with:
          path: .sitegen
          key: sitegen-${{{{ runner.os }}}}-${{{{ github.sha }}}}
          restore-keys: sitegen-${{{{ runner.os }}}}-
      - name: Build
        run: sitegen build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: {a["upload-pages-artifact"]}
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: {a["deploy-pages"]}
"""


GITIGNORE = """# sitegen output and caches
/public/
.sitegen-*/
/.sitegen/
__pycache__/
.venv/
"""


def _config(title: str) -> str:
    return f"""# Site configuration. Every key is optional.
title: {_yaml_str(title)}
description: "Curated briefs on the news that matters."
# author: Your name
# base_url: https://USER.github.io/REPO/   # the Pages workflow passes the real one with --base-url
language: en
timezone: UTC                              # IANA name, e.g. Europe/Berlin or Asia/Shanghai
per_page: 20
# cname: briefs.example.com
"""


EXAMPLE_BODY = """This example brief shows the shape of a brief. Replace it with your own, or start a
new one with `sitegen new "Title"`.

## What happened

Summarise the news in a few sentences, then explain why it matters to your readers.
"""


INSTALL_SCHEMES = ("git+https://", "git+ssh://", "git+http://", "git+file://", "https://", "http://", "file://")
"""What `init --install` accepts as a URL: the forms pip installs from (PEP 440 direct references)."""


def requirements(install: str | None = None) -> str:
    """requirements.txt for the Pages workflow: the running version, or what `--install` names.

    `install` is a URL (`git+https://github.com/OWNER/REPO@vX.Y.Z`, a wheel's URL) or a requirement
    on our distribution (`sitegen-briefs==0.2.0`). Anything else is refused: the workflow runs
    `pip install -r` on this file, so it must install sitegen and nothing that merely looks like it.
    """
    head = "# What the Pages workflow installs to build the site (pip install -r requirements.txt).\n"
    if install is None:
        return f"{head}{DISTRIBUTION}=={__version__}\n"
    spec = install.strip()
    hint = (f"  hint: pass a URL such as --install 'git+https://github.com/OWNER/REPO@v{__version__}', "
            f"or a requirement such as --install '{DISTRIBUTION}=={__version__}'")
    if not spec or any(c.isspace() for c in spec) or spec.startswith("-"):
        raise ScaffoldError(f"error: --install {install!r} is not one URL or requirement; nothing was written\n{hint}")
    if spec.lower().startswith(INSTALL_SCHEMES):
        return f"{head}{DISTRIBUTION} @ {spec}\n"
    if requirement_name(spec) != DISTRIBUTION:
        raise ScaffoldError(f"error: --install {install!r} does not install {DISTRIBUTION}; nothing was written\n"
                            f"{hint}")
    return f"{head}{spec}\n"


def init_site(target: Path, title: str | None = None, now: dt.datetime | None = None,
              install: str | None = None) -> list[Path]:
    """Scaffold a site in `target` (created if needed). Refuses, naming them, if any of the files it
    would write exist already: the user wrote those, so there is no --force."""
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"error: {target} exists and is not a folder; nothing was written")
    title = title or target.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Briefs"
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    files = {
        CONFIG_NAME: _config(title),
        "content/briefs/welcome.md": brief_skeleton(
            "Welcome to your briefs site", when,
            summary="An example brief: edit it, or add one with sitegen new.", body=EXAMPLE_BODY),
        ".gitignore": GITIGNORE,
        "requirements.txt": requirements(install),
        ".github/workflows/pages.yml": pages_workflow(),
    }
    clash = [rel for rel in files if (target / rel).exists()]
    if clash:
        listed = "\n".join(f"  {target / rel}" for rel in clash)
        raise ScaffoldError(f"error: sitegen init would overwrite files that are already there; nothing was written\n"
                            f"{listed}\n"
                            "  hint: run sitegen init on a new folder, or move these files away first")
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
