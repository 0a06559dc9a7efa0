"""Shipping: the release workflow builds distributions that install and build a site, and a site
made by `sitegen init` deploys on its first push.

Both workflows are run from their own text: the `run:` steps are read from the YAML and executed
in order, in fresh virtual environments, in folders outside this repository.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from conftest import REPO
from sitegen import DISTRIBUTION, __version__

PROJECT_URL = "https://octo.github.io/mysite"
"""What `steps.pages.outputs.base_url` is for a project site: https://OWNER.github.io/REPO"""


def run_steps(workflow: Path, job: str, cwd: Path, env: dict[str, str],
              expressions: dict[str, str]) -> list[str]:
    """Run the job's `run:` steps in order, as the runner does (bash -e, pipefail); return them.

    `expressions` maps each `${{ ... }}` a step uses to its value; an unknown one fails the test,
    so a new expression in the workflow cannot go untested."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    scripts = []
    for step in steps:
        if "run" not in step:
            continue  # `uses:` steps (checkout, setup-python, ...) are the runner's, not ours
        script = step["run"]
        for expr, value in expressions.items():
            script = script.replace(expr, value)
        assert "${{" not in script, f"untested expression in {workflow.name}: {script}"
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"step {script!r} failed:\n{result.stdout}\n{result.stderr}"
        scripts.append(script)
    return scripts


def fresh_venv(where: Path, **extra: str) -> dict[str, str]:
    """A new virtual environment and the environment variables of a shell that activated it."""
    venv.create(where, with_pip=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PATH=f"{where / 'bin'}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(where), **extra)
    return env


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dist/ folder the release workflow's build job makes from a copy of this checkout."""
    root = tmp_path_factory.mktemp("release")
    checkout = root / "checkout"
    ignore = shutil.ignore_patterns(".git", ".venv", "public", "public.*", "dist", "build", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".sitegen-*", "bench-out")
    shutil.copytree(REPO, checkout, ignore=ignore)
    env = fresh_venv(root / "venv", GITHUB_REF_NAME=f"v{__version__}")
    run_steps(REPO / ".github/workflows/release.yml", "build", checkout, env, {})
    return checkout / "dist"


def test_the_release_workflow_builds_checked_distributions(released: Path) -> None:
    wheel = next(released.glob("*.whl"))
    assert wheel.name == f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"
    assert (released / f"{DISTRIBUTION.replace('-', '_')}-{__version__}.tar.gz").is_file()
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    # The theme travels inside the wheel: a site without layouts/ builds from it.
    assert {"sitegen/layouts/base.html", "sitegen/layouts/partials/brief-card.html",
            "sitegen/layouts/static/favicon.svg", "sitegen/layouts/style.css"} <= names


def test_the_release_check_refuses_a_wrong_tag_and_a_wheel_without_the_theme(released: Path, tmp_path: Path) -> None:
    check = [sys.executable, str(REPO / ".ci/check_dist.py")]
    wrong_tag = subprocess.run([*check, str(released), "--tag", "v99.0.0", "--skip-install"],
                               capture_output=True, text=True)
    assert wrong_tag.returncode == 1
    assert f"tag v99.0.0 does not match the version {__version__}" in wrong_tag.stderr
    broken = tmp_path / "dist"
    broken.mkdir()
    shutil.copy(next(released.glob("*.tar.gz")), broken)
    wheel = next(released.glob("*.whl"))
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(broken / wheel.name, "w") as dst:
        for item in src.infolist():
            if item.filename != "sitegen/layouts/week.html":
                dst.writestr(item, src.read(item))
    missing = subprocess.run([*check, str(broken), "--skip-install"], capture_output=True, text=True)
    assert missing.returncode == 1 and "the wheel lacks sitegen/layouts/week.html" in missing.stderr


def test_the_release_workflow_publishes_with_trusted_publishing_only() -> None:
    wf = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text(encoding="utf-8"))
    assert wf[True]["push"]["tags"] == ["v*"]  # PyYAML reads the key `on` as True
    assert wf["permissions"] == {"contents": "read"}
    publish = wf["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    step = next(s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@"))
    assert not {"password", "user"} & set(step.get("with", {})), "no stored token: OIDC only"
    assert "secrets." not in (REPO / ".github/workflows/release.yml").read_text(encoding="utf-8")


def test_the_version_and_the_name_are_declared_once() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == DISTRIBUTION
    assert project["project"]["dynamic"] == ["version"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sitegen.__version__"}
    assert re.search(rf"^## {re.escape(__version__)}$", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)


# --- the scaffold's Pages workflow, end to end ----------------------------------------------

class _Links:
    """Every URL a built site points at: href/src in HTML, and absolute URLs in feeds and sitemaps."""

    ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
    ABSOLUTE = re.compile(r"https?://[^\s\"'<>\\]+")

    @classmethod
    def of(cls, public: Path, base: str) -> list[tuple[str, str]]:
        found = []
        for path in sorted(public.rglob("*")):
            if path.suffix not in (".html", ".xml", ".json", ".txt"):
                continue
            rel = path.relative_to(public).as_posix()
            page = base + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
            text = path.read_text(encoding="utf-8")
            urls = [html.unescape(u) for u in cls.ATTR.findall(text)] if path.suffix == ".html" else []
            urls += [html.unescape(u).rstrip(".,)") for u in cls.ABSOLUTE.findall(text)]
            found += [(page, url) for url in urls]
        return found


def test_a_site_made_by_init_deploys_from_the_wheel_alone(released: Path, tmp_path: Path) -> None:
    wheelhouse = tmp_path / "wheelhouse"
    wheel = next(released.glob("*.whl"))
    # The index is replaced by a folder: the fresh wheel plus the wheels of its dependencies.
    got = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "-w", str(wheelhouse), str(wheel)],
                         capture_output=True, text=True, timeout=900)
    assert got.returncode == 0, got.stderr
    env = fresh_venv(tmp_path / "venv", PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse))
    init = subprocess.run(["bash", "-c", "pip install --quiet \"$WHEEL\" && sitegen init mysite"],
                          cwd=tmp_path, env={**env, "WHEEL": str(wheel)}, capture_output=True, text=True, timeout=900)
    assert init.returncode == 0, init.stderr
    site = tmp_path / "mysite"
    assert (site / "requirements.txt").read_text().splitlines()[-1] == f"{DISTRIBUTION}=={__version__}"

    # The runner: a fresh environment, then the workflow's own steps with the Pages base URL.
    env = fresh_venv(tmp_path / "runner", PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse))
    scripts = run_steps(site / ".github/workflows/pages.yml", "build", site, env,
                        {"${{ steps.pages.outputs.base_url }}": PROJECT_URL})
    assert any(s.startswith("sitegen build") for s in scripts)
    public = site / "public"
    assert (public / "briefs/welcome/index.html").is_file()

    links = _Links.of(public, "/mysite/")
    internal = 0
    for page, url in links:
        parts = urlsplit(url)
        assert parts.hostname not in ("localhost", "127.0.0.1"), f"{page}: {url} points at the author's machine"
        if parts.scheme in ("mailto", "data") or (parts.netloc and parts.netloc != "octo.github.io"):
            continue  # the example brief's source, share links: not ours
        target = urlsplit(urljoin("https://octo.github.io" + page, url)).path
        assert target.startswith("/mysite/"), f"{page}: {url} leaves the project site"
        rel = unquote(target.removeprefix("/mysite/"))
        rel = posixpath.join(rel, "index.html") if rel.endswith("/") or not rel else rel
        assert (public / rel).is_file(), f"{page}: {url} points at nothing"
        internal += 1
    assert internal >= 40, f"only {internal} internal links seen: the link collector is broken"


def test_the_readme_and_docs_point_only_at_files_in_this_repository() -> None:
    """A user who clones the repository must find every file the README and docs/ name."""
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, doc
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text) + re.findall(r'<img src="([^"]+)"', text):
            if urlsplit(target).scheme:
                continue
            resolved = (doc.parent / target).resolve()
            assert resolved.is_relative_to(REPO) and resolved.exists(), f"{doc.name} links to {target}"


def test_the_readme_shows_home_brief_week_and_search_at_both_widths() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r'<img src="docs/screenshots/([a-z]+-\d+)\.png"', text))
    assert shown == {f"{page}-{w}" for page in ("home", "brief", "week", "search") for w in (1280, 390)}
    for name in shown:
        png = (REPO / "docs/screenshots" / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")  # IHDR: the first chunk
        assert width == int(name.rsplit("-", 1)[1]), (name, width)


def test_the_readme_shows_a_chinese_and_a_right_to_left_page() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("zh-brief-1280", "rtl-brief-1280"):
        assert f'<img src="docs/screenshots/{name}.png"' in text
        png = (REPO / "docs/screenshots" / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1280
