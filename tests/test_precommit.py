"""The pre-commit hook this repository offers: its definition runs `sitegen check` as pre-commit would."""

from __future__ import annotations

import re
import shlex

import yaml

from conftest import REPO, brief, run_cli

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def hook() -> dict:  # type: ignore[type-arg]
    (only,) = [h for h in HOOKS if h["id"] == "sitegen-check"]
    return only


def test_the_hook_is_a_python_hook_that_checks_the_whole_site() -> None:
    h = hook()
    assert h["language"] == "python"  # pre-commit pip-installs this repository: the sitegen command
    assert h["pass_filenames"] is False  # check validates the site as a whole, not the staged files
    files = re.compile(h["files"])
    assert all(files.search(p) for p in ("content/briefs/a.md", "content/about.md", "sitegen.yaml", "layouts/x.html"))
    assert not files.search("README.md")


def test_the_hook_entry_passes_a_good_site_and_fails_a_bad_one(make_site) -> None:  # type: ignore[no-untyped-def]
    program, *args = shlex.split(hook()["entry"])
    assert program == "sitegen"
    site = make_site({"sitegen.yaml": "title: Hooked\nbase_url: https://example.org/\n",
                      "content/briefs/a.md": brief()})
    assert run_cli(*args, cwd=site).returncode == 0  # pre-commit runs the entry at the repository root
    (site / "content/briefs/a.md").write_text(brief(extra="tags: 5"), encoding="utf-8")
    failed = run_cli(*args, cwd=site)
    assert failed.returncode == 1 and "content/briefs/a.md:8:7: error: 'tags' must be a list" in failed.stderr


def test_the_readme_snippet_names_this_hook() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", readme, re.S)
    assert snippet, "README.md has no .pre-commit-config.yaml snippet"
    (repo,) = yaml.safe_load(snippet.group(1))["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["sitegen-check"]
