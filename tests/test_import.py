"""`sitegen import`: JSON and JSON Lines records become briefs, checked with the build's rules."""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, site_bytes, tree_bytes
from sitegen.briefimport import brief_text
from sitegen.frontmatter import split
from sitegen.jsonrecords import Record, read_records
from sitegen.pipeline import BuildOptions, build
from sitegen.yamlnodes import load_located

GOOD = {"title": "Chips up", "date": "2026-05-02T08:14:00+08:00",
        "source": {"name": "Example News", "url": "https://example.com/a"},
        "summary": "A one-line hook", "slug": "chips-up", "body": "Some analysis.\n"}


def record(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**GOOD, **changes}.items() if v is not None}


def jsonl(*records: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def as_record(path: Path) -> dict[str, Any]:
    """A brief file as a JSON record: its front matter, its slug, and `body`."""
    parts = split(path.name, path.read_text(encoding="utf-8"))
    data = load_located(parts.yaml_text).data
    return {**data, "slug": data.get("slug", path.stem), "body": parts.body}


@pytest.fixture
def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    return make_site({"sitegen.yaml": "title: Imported\nbase_url: https://example.org/\n"})


def test_the_demo_round_trips_to_the_same_site(tmp_path, monkeypatch, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SITEGEN_CARDS", "off")
    monkeypatch.setenv("SITEGEN_PAGEFIND", "off")
    copy = tmp_path / "copy"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns("briefs", "public", ".git", ".sitegen", "tests", "bench"))
    records = tmp_path / "demo.jsonl"
    demo = sorted((REPO / "content/briefs").glob("*.md"))
    records.write_text(jsonl(*map(as_record, demo)), encoding="utf-8")
    result = cli("import", str(records), "--site", str(copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"{records}: {len(demo)} written, 0 unchanged, 0 refused"
    now = "2026-12-01"
    build(BuildOptions(REPO, tmp_path / "original", workers=1, now=now))
    build(BuildOptions(copy, tmp_path / "imported", workers=1, now=now))
    original, imported = site_bytes(tmp_path / "original"), site_bytes(tmp_path / "imported")
    assert sorted(original) == sorted(imported)
    assert [p for p in original if original[p] != imported[p]] == []


def test_import_is_idempotent(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(), record(slug="second", title="Second")), encoding="utf-8")
    first = cli("import", str(src), "--site", str(site))
    assert first.returncode == 0 and first.stdout.splitlines()[:2] == [
        "wrote content/briefs/chips-up.md", "wrote content/briefs/second.md"]
    before = {p: p.stat().st_mtime_ns for p in (site / "content/briefs").iterdir()}
    again = cli("import", str(src), "--site", str(site))
    assert again.returncode == 0
    assert again.stdout.splitlines() == ["unchanged content/briefs/chips-up.md", "unchanged content/briefs/second.md",
                                         f"{src}: 0 written, 2 unchanged, 0 refused"]
    assert {p: p.stat().st_mtime_ns for p in (site / "content/briefs").iterdir()} == before


def test_dry_run_lists_and_writes_nothing(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(), record(summary="other"), record(slug="b")), encoding="utf-8")
    result = cli("import", str(src), "--site", str(site), "--dry-run")
    assert result.returncode == 1  # the second record would overwrite the first
    assert result.stdout.splitlines() == ["would write content/briefs/chips-up.md", "would write content/briefs/b.md",
                                          f"{src}: 2 to write (dry run), 0 unchanged, 1 refused"]
    assert f"{src}:2:1: error: 'content/briefs/chips-up.md' exists with other content" in result.stderr
    assert not (site / "content").exists()


def test_an_invalid_record_is_refused_with_its_line_and_the_others_are_written(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(slug="a"), record(slug="b", audiance=["Investors"], tags="chips"), record(slug="c")),
                   encoding="utf-8")
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in (site / "content/briefs").iterdir()) == ["a.md", "c.md"]
    assert result.stderr.splitlines() == [
        f"{src}:2:1: error: unknown key 'audiance' in brief front matter",
        "  hint: did you mean 'audience'?",
        f"{src}:2:1: error: 'tags' must be a list",
        "  hint: write it as a list, e.g. tags: [first, second]",
        f"2 errors in {src}; those records were not imported.",
    ]


def test_json_format_and_codes(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(date="2026-13-45")), encoding="utf-8")
    result = cli("import", str(src), "--site", str(site), "--format", "json")
    assert result.returncode == 1
    row = json.loads(result.stdout)
    assert (row["file"], row["line"], row["code"], row["rule"]) == (str(src), 1, "SG105", "invalid-date")


def test_a_line_that_is_not_json_gets_the_decoders_position(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(slug="a"), '{"title": "x",, }', record(slug="c")), encoding="utf-8")
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{src}:2:15: error: invalid JSON: Expecting property name enclosed in double quotes")
    assert sorted(p.name for p in (site / "content/briefs").iterdir()) == ["a.md", "c.md"]


def test_a_json_array_reports_records_and_syntax_errors_by_line(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.json"
    src.write_text("[\n" + json.dumps(record(slug="a"), indent=1) + ",\n" + json.dumps(record(slug="b", draft="no"))
                   + ",\n  {\"title\": }\n]\n", encoding="utf-8")
    lines = src.read_text().splitlines()
    bad = next(i for i, line in enumerate(lines, 1) if '"draft"' in line)
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [f"{src}:{bad}:1: error: 'draft' must be true or false",
                      f"{src}:{bad + 1}:13: error: invalid JSON: Expecting value"]
    assert [p.name for p in (site / "content/briefs").iterdir()] == ["a.md"]


@pytest.mark.parametrize("slug", ["../../outside", "/etc/passwd", "a/b", "..", "x\n"])
def test_a_slug_that_escapes_the_folder_is_refused(site, tmp_path, cli, slug) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record(slug=slug)), encoding="utf-8")
    before = tree_bytes(tmp_path)
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1 and "error: invalid slug" in result.stderr
    assert tree_bytes(tmp_path) == before


def test_a_briefs_folder_that_leads_outside_the_site_is_refused(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (site / "content").mkdir()
    (site / "content/briefs").symlink_to(outside)
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record()), encoding="utf-8")
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1 and "content/briefs leads outside the site folder" in result.stderr
    assert list(outside.iterdir()) == []


def test_a_different_existing_file_is_never_overwritten(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    existing = site / "content/briefs/chips-up.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("hand-written\n", encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(record()), encoding="utf-8")
    result = cli("import", str(src), "--site", str(site), "--format", "json")
    assert result.returncode == 1 and json.loads(result.stdout)["code"] == "SG701"
    assert existing.read_text(encoding="utf-8") == "hand-written\n"


def test_front_matter_is_in_contract_order_with_long_strings_folded() -> None:
    long = " ".join(["A hook that goes on for quite a while, well past the eighty characters that fit on a line."] * 2)
    text = brief_text({"tags": ["b", "a"], "summary": long, "source": {"url": "https://e.com/a", "name": "E"},
                       "title": "T", "date": "2026-05-02"}, "Body\n")
    assert text == (
        "---\ntitle: T\ndate: 2026-05-02\nsource:\n  name: E\n  url: https://e.com/a\nsummary: >-\n"
        "  A hook that goes on for quite a while, well past the eighty characters that fit\n"
        "  on a line. A hook that goes on for quite a while, well past the eighty\n"
        "  characters that fit on a line.\ntags:\n  - b\n  - a\n---\nBody\n")
    assert load_located(split("x.md", text).yaml_text).data["summary"] == long


def test_an_imported_brief_builds(site, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.json"
    src.write_text(json.dumps(record(body="## Why\n\nBecause <script>alert(1)</script> **bold**.\n",
                                     title="Quotes \" and <tags>")), encoding="utf-8")
    assert cli("import", str(src), "--site", str(site)).returncode == 0
    result = cli("build", str(site), env={"SITEGEN_CARDS": "off", "SITEGEN_PAGEFIND": "off"})
    assert result.returncode == 0, result.stderr
    page = (site / "public/briefs/chips-up/index.html").read_text(encoding="utf-8")
    assert "Quotes &#34; and &lt;tags&gt;" in page and "<script>alert" not in page and "<strong>bold</strong>" in page


def test_json_lines_are_streamed_not_loaded_whole(tmp_path) -> None:
    src = tmp_path / "big.jsonl"
    line = json.dumps(record()) + "\n"
    with src.open("w", encoding="utf-8") as f:
        for _ in range(100_000):  # ~22 MB
            f.write(line)
    tracemalloc.start()
    count = sum(1 for r in read_records(src, "big.jsonl") if isinstance(r, Record))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 100_000
    assert peak < 1 << 20, f"peak {peak} bytes while reading a {src.stat().st_size} byte file"


PIECES = [*"ab :#-'\"\\\n\t.,[]{}>|&*!%@`?~=", "yes", "null", "1.5", "0x1f", "2026-05-02", " ", "\u2028", "\x85", "é", "虎"]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
"""Text made of what YAML treats specially: indicators, comment and mapping marks, implicit types,
line breaks of every kind, runs of spaces, long enough to be folded."""
SCALARS = st.one_of(st.text(), TRICKY, st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3)),
                      max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "summary", "tags", "metrics", "zzz"]), VALUES, min_size=1))
def test_whatever_a_record_holds_is_read_back_exactly(front: dict[str, Any]) -> None:
    text = brief_text(front, "Body\n")
    assert load_located(split("x.md", text).yaml_text).data == front


@pytest.mark.parametrize(("name", "content", "where"), [
    ("in.jsonl", '{"title": "x", "weight": NaN}\n', "1:1"),
    ("in.json", '[\n  {"title": "x", "weight": Infinity}\n]\n', "2:3"),
], ids=["jsonl", "array"])
def test_nan_and_infinity_are_not_json(site, tmp_path, cli, name, content, where) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    result = cli("import", str(src), "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{src}:{where}: error: invalid JSON: ")
    assert "is not JSON" in result.stderr.splitlines()[0]


def test_refused_records_are_annotated_in_github_actions(site, cli) -> None:  # type: ignore[no-untyped-def]
    (site / "in.jsonl").write_text(jsonl(record(slug="a"), record(slug="b", audiance=["x"])), encoding="utf-8")
    result = cli("import", "site/in.jsonl", "--site", "site", cwd=site.parent, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("::")] == [
        "::error file=site/in.jsonl,line=2,col=1,title=SG104::unknown key 'audiance' in brief front matter"
        "%0Ahint: did you mean 'audience'?"]


@pytest.mark.parametrize("missing", ["file", "site"])
def test_a_missing_file_or_site_folder_is_an_error_and_creates_nothing(tmp_path, cli, missing) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    if missing == "site":
        src.write_text(jsonl(record()), encoding="utf-8")
    result = cli("import", str(src), "--site", str(tmp_path / "typo"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("no such file" if missing == "file" else "site folder does not exist") in result.stderr
    assert not (tmp_path / "typo").exists()
