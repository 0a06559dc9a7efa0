"""Diagnostics for machines: `--format json` on build and check, and GitHub Actions annotations."""

from __future__ import annotations

import json

from conftest import brief, tree_bytes

BROKEN = {
    "sitegen.yaml": "title: Reports\nbase_url: https://example.org/\n",
    "content/briefs/a.md": brief(extra="audiance: [Investors]\ntags: 5"),
    "content/briefs/b.md": brief("Beta"),
}
RELATED_TO_NOTHING = brief("Beta", extra="related: [nope]")


def test_build_json_prints_one_object_per_diagnostic_and_exits_1(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BROKEN)
    result = cli("build", str(site), "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {"file": "content/briefs/a.md", "line": 8, "column": 1, "severity": "error", "code": "SG104",
         "rule": "unknown-key", "message": "unknown key 'audiance' in brief front matter",
         "hint": "did you mean 'audience'?"},
        {"file": "content/briefs/a.md", "line": 9, "column": 7, "severity": "error", "code": "SG103",
         "rule": "wrong-type", "message": "'tags' must be a list",
         "hint": "write it as a list, e.g. tags: [first, second]"},
    ]
    assert tree_bytes(site / "public") == {}


def test_check_json_carries_cross_file_errors_and_keeps_stdout_pure_json(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({**BROKEN, "content/briefs/a.md": brief(), "content/briefs/b.md": RELATED_TO_NOTHING})
    result = cli("check", str(site), "--format", "json")
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["line"], r["code"], r["rule"]) for r in rows] == [
        ("content/briefs/b.md", 8, "SG203", "unknown-related")]
    assert result.stderr.strip() == "1 problem found."


def test_text_output_is_unchanged_by_the_codes(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("build", str(make_site(BROKEN)))
    assert result.returncode == 1 and result.stdout == ""
    assert "SG1" not in result.stderr and "content/briefs/a.md:8:1: error: unknown key 'audiance'" in result.stderr


def test_json_success_prints_nothing_on_stdout(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({**BROKEN, "content/briefs/a.md": brief()})
    result = cli("build", str(site), "--format", "json")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.startswith("built ")


def test_github_actions_annotations_on_a_failing_build(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(BROKEN)
    result = cli("build", env={"GITHUB_ACTIONS": "true"}, cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=content/briefs/a.md,line=8,col=1,title=SG104::unknown key 'audiance' in brief front matter"
        "%0Ahint: did you mean 'audience'?",
        "::error file=content/briefs/a.md,line=9,col=7,title=SG103::'tags' must be a list"
        "%0Ahint: write it as a list, e.g. tags: [first, second]",
    ]
    assert "content/briefs/a.md:8:1: error: unknown key 'audiance'" in result.stderr  # the report as ever


def test_annotations_name_files_from_the_checkout_and_escape_newlines(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"mysite/" + k: v for k, v in BROKEN.items()} | {
        "mysite/content/briefs/a.md": brief(), "mysite/content/briefs/b.md": RELATED_TO_NOTHING})
    result = cli("check", "mysite", env={"GITHUB_ACTIONS": "true"}, cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=mysite/content/briefs/b.md,line=8,col=11,title=SG203::related brief 'nope' does not exist"
        "%0Ahint: use the slug of another brief (its file name without .md)")


def test_an_option_error_is_annotated_without_a_file(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({**BROKEN, "content/briefs/a.md": brief()})
    result = cli("build", str(site), "--now", "someday", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert result.stdout.startswith("::error title=SG302::--now 'someday' is not a date or datetime%0Ahint: ")


def test_no_annotations_outside_github_actions(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("build", str(make_site(BROKEN)), env={"GITHUB_ACTIONS": "false"})
    assert result.returncode == 1 and "::error" not in result.stdout + result.stderr
