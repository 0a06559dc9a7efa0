"""The command line, run as a user runs it: `python -m sitegen ...` in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import brief, cli_env, site_bytes, tree_bytes
from sitegen import __version__

SITE = {
    "sitegen.yaml": "title: CLI site\nbase_url: https://example.org/\n",
    "content/briefs/a.md": brief("Published brief"),
    "content/briefs/d.md": brief("Draft brief", date="2026-05-03", extra="draft: true"),
    "content/about.md": "---\ntitle: About\n---\nAbout.\n",
}


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"sitegen {__version__}"


def test_help_lists_build(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.returncode == 0 and "build" in result.stdout
    build_help = cli("build", "--help").stdout
    for option in ("--output", "--base-url", "--drafts", "--quiet"):
        assert option in build_help


def test_no_command_prints_help_and_fails(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli()
    assert result.returncode == 2 and "usage: sitegen" in result.stdout


def test_build_prints_a_one_line_summary(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(r"built \d+ pages \(\d+ files\) into \S+ in \d+\.\d\ds\n", result.stdout), result.stdout
    assert (site / "public/briefs/a/index.html").is_file()
    assert not (site / "public/briefs/d").exists()  # drafts are left out by default


def test_build_defaults_to_the_current_folder(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    assert cli("build", "--quiet", cwd=site).returncode == 0
    assert (site / "public/index.html").is_file()


def test_quiet_output_and_drafts(make_site, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    out = tmp_path / "elsewhere"
    result = cli("build", str(site), "--quiet", "--output", str(out), "--drafts")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (out / "briefs/d/index.html").is_file()
    assert not (site / "public").exists()


def test_base_url_option_overrides_config(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    assert cli("build", str(site), "-q", "--base-url", "https://user.github.io/repo").returncode == 0
    html = (site / "public/briefs/a/index.html").read_text(encoding="utf-8")
    assert 'href="https://user.github.io/repo/briefs/a/"' in html  # canonical
    assert 'href="/repo/"' in html
    assert "example.org" not in html


def test_bad_base_url_option(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    result = cli("build", str(site), "--base-url", "ftp://x")
    assert result.returncode == 1 and result.stderr.startswith("--base-url:1:1: error: ")


def test_missing_site_folder(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("build", str(tmp_path / "nope"))
    assert result.returncode == 1 and "site folder does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_an_error_not_a_traceback(make_site, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    (tmp_path / "a-file").write_text("x")
    result = cli("build", str(site), "--output", str(tmp_path / "a-file" / "public"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{tmp_path / 'a-file' / 'public'}:1:1: error: cannot write the output")
    assert (tmp_path / "a-file").read_text() == "x"


def test_python_m_and_repeat_builds_are_identical(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE)
    assert cli("build", str(site), "-q").returncode == 0
    first = site_bytes(site / "public")
    assert cli("build", str(site), "-q", "--jobs", "1").returncode == 0
    assert site_bytes(site / "public") == first


def test_a_reader_that_stops_reading_is_not_an_error() -> None:
    """`sitegen schema | head`: the pipe closes early; no 'Broken pipe' message, exit 0."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before sitegen writes a byte
    try:
        proc = subprocess.run([sys.executable, "-m", "sitegen", "schema"], stdout=write, stderr=subprocess.PIPE,
                              text=True, env=cli_env(), timeout=60)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, "")
