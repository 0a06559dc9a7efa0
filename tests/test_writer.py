"""writer: paths that cannot escape the output folder, and an all-or-nothing swap."""

from __future__ import annotations

import os
import subprocess
import time
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import brief, tree_bytes
from sitegen.errors import BuildFailed
from sitegen.model import OutputFile
from sitegen.pipeline import BuildOptions, build
from sitegen.writer import UnsafeOutputPath, check_output_dir, safe_join, write_site


@pytest.mark.parametrize("rel", [
    "../x", "a/../../x", "a/..", "/etc/passwd", "//server/share", "a\\..\\x", "C:\\x", "", ".", "a/./b", "a//b",
    "a/", "x\x00y",
], ids=["parent", "nested-parent", "trailing-parent", "absolute", "double-slash", "backslash", "drive",
        "empty", "dot", "inner-dot", "empty-segment", "trailing-slash", "nul"])
def test_safe_join_refuses(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafeOutputPath):
        safe_join(tmp_path, rel)


@pytest.mark.parametrize("rel", ["index.html", "briefs/x/index.html", "tags/虎嗅/index.html", ".nojekyll",
                                 "a..b/c...html"],
                         ids=["file", "nested", "cjk", "dotfile", "dots-inside-names"])
def test_safe_join_accepts(tmp_path: Path, rel: str) -> None:
    assert safe_join(tmp_path, rel) == tmp_path.joinpath(*rel.split("/"))


def test_safe_join_refuses_a_symlink_out_of_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafeOutputPath):
        safe_join(root, "link/x.html")


def files(named: dict[str, str]) -> list[OutputFile]:
    return [OutputFile(path, text.encode()) for path, text in named.items()]


def test_write_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert write_site(out, files({"index.html": "v1", "old/index.html": "gone soon"})) == 2
    write_site(out, files({"index.html": "v2", "new/index.html": "new"}))
    assert tree_bytes(out) == {"index.html": b"v2", "new/index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]  # no staging or old copies left


def test_failure_while_writing_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, files({"index.html": "old", "a/index.html": "old a"}))
    before = tree_bytes(out)

    def broken() -> Iterator[OutputFile]:
        yield OutputFile("index.html", b"new")
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        write_site(out, broken())
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_unsafe_output_path_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(out, files({"index.html": "old"}))
    with pytest.raises(UnsafeOutputPath):
        write_site(out, [OutputFile("a.html", b"x"), OutputFile("../escape.html", b"x")])
    assert tree_bytes(out) == {"index.html": b"old"}
    assert not (tmp_path / "escape.html").exists()


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.write_text("not a folder")
    with pytest.raises(BuildFailed):
        write_site(out, files({"index.html": "x"}))
    assert out.read_text() == "not a folder"


def test_stale_staging_of_a_dead_build_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".public.sitegen-staging-{int(dead.stdout)}"
    stale.mkdir()
    (stale / "half.html").write_text("half")
    live = tmp_path / f".public.sitegen-staging-{os.getppid()}"  # a running process: left alone
    live.mkdir()
    write_site(tmp_path / "public", files({"index.html": "x"}))
    assert not stale.exists() and live.exists()


def test_an_old_output_whose_remover_was_killed_is_removed_by_a_later_build(tmp_path: Path) -> None:
    from sitegen.writer import TRASH_GRACE_SECONDS

    orphan, recent = tmp_path / ".public.sitegen-trash-1", tmp_path / ".public.sitegen-trash-2"
    for trash in (orphan, recent):
        (trash / "briefs").mkdir(parents=True)
        (trash / "briefs" / "old.html").write_text("old")
    old = time.time() - TRASH_GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    write_site(tmp_path / "public", files({"index.html": "x"}))
    def others() -> list[str]:
        return [p.name for p in tmp_path.iterdir() if "trash" in p.name and p != recent]

    deadline = time.monotonic() + 60  # renamed, then deleted by a detached process
    while others() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert others() == []
    assert recent.exists()  # its remover may still be at work: left to it


def test_static_files_are_copied_but_links_out_are_not(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img/logo.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "leak.txt").symlink_to(tmp_path / "secret.txt")
    out = tmp_path / "public"
    write_site(out, files({"index.html": "x"}), [static])
    assert tree_bytes(out) == {"img/logo.svg": b"<svg/>", "index.html": b"x"}


@pytest.mark.parametrize(("output", "problem"), [
    (".", "contains the site itself"),
    ("..", "contains the site itself"),
    ("content/out", "inside content/"),
    ("layouts", "inside content/, layouts/ or static/"),
    ("other-site", "looks like a site"),
], ids=["site-dir", "parent-of-site", "inside-content", "layouts", "another-site"])
def test_output_folders_that_would_destroy_files_are_refused(tmp_path: Path, output: str, problem: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "other-site/content").mkdir(parents=True)
    with pytest.raises(BuildFailed) as info:
        check_output_dir(site, site / output)
    assert problem in info.value.diagnostics[0].message


def test_output_equal_to_site_is_refused_before_anything_is_touched(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief()})
    before = tree_bytes(site)
    with pytest.raises(BuildFailed):
        build(BuildOptions(site, output=site, workers=1))
    assert tree_bytes(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_template_error_during_render_keeps_the_old_site(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief(), "content/briefs/b.md": brief("Second")})
    build(BuildOptions(site, workers=1))
    before = tree_bytes(site / "public")
    (site / "layouts").mkdir()
    (site / "layouts/page.html").write_text("{% extends 'default/page.html' %}")
    (site / "layouts/brief.html").write_text("{{ no_such_variable }}\n")
    with pytest.raises(BuildFailed) as info:
        build(BuildOptions(site, workers=1))
    assert str(info.value.diagnostics[0].location) == "layouts/brief.html:1:1"
    assert tree_bytes(site / "public") == before


def test_os_errors_become_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(BuildFailed) as info:
        write_site(tmp_path / "a-file" / "public", files({"index.html": "x"}))
    assert "cannot write the output" in info.value.diagnostics[0].message
