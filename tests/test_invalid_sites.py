"""One invalid site per validation rule, built with the real CLI over a previous good build.

Each case asserts what a user relies on: exit code 1, the exact `path:line:col: error:`
of the mistake, a hint, no traceback, and public/ left byte-for-byte as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import brief, tree_bytes, write_site
from sitegen.pipeline import BuildOptions, build

GOOD_SITE: dict[str, str | bytes] = {
    "sitegen.yaml": "title: Test briefs\nbase_url: https://example.org/\n",
    "content/briefs/a.md": brief("Alpha"),
    "content/briefs/b.md": brief("Beta", extra="tags: [chips]"),
    "content/about.md": "---\ntitle: About\n---\nAbout this site.\n",
}


def brief_without(key: str) -> str:
    """A valid brief (see conftest.brief: title on line 2) with one top-level key removed."""
    lines = brief().splitlines(keepends=True)
    if key == "source":
        return "".join(line for line in lines if not line.startswith(("source:", "  name:", "  url:")))
    return "".join(line for line in lines if not line.startswith(f"{key}:"))


def good_build(make_site) -> tuple[Path, dict[str, bytes]]:  # type: ignore[no-untyped-def]
    site = make_site(GOOD_SITE)
    build(BuildOptions(site, workers=1))
    before = tree_bytes(site / "public")
    assert "index.html" in before and "briefs/a/index.html" in before
    return site, before


def assert_refused(site: Path, before: dict[str, bytes], cli) -> str:  # type: ignore[no-untyped-def]
    """Run `sitegen build` on the broken site; common assertions; returns stderr."""
    result = cli("build", str(site))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "\n  hint: " in result.stderr, result.stderr
    assert tree_bytes(site / "public") == before, "a failed build changed public/"
    assert not list(site.glob(".public.sitegen-*")), "staging folder left behind"
    return result.stderr


# (files written over the good site, exact location prefix, part of the message)
CASES = [
    pytest.param({"content/briefs/a.md": brief(extra="tags: 5")},
                 "content/briefs/a.md:8:7", "'tags' must be a list", id="wrong-type-tags"),
    pytest.param({"content/briefs/a.md": brief().replace('title: "A brief"', "title: [x]")},
                 "content/briefs/a.md:2:8", "'title' must be a string", id="wrong-type-title"),
    pytest.param({"content/briefs/a.md": brief(extra="draft: maybe")},
                 "content/briefs/a.md:8:8", "'draft' must be true or false", id="wrong-type-draft"),
    *(pytest.param({"content/briefs/a.md": brief_without(key)},
                   "content/briefs/a.md:2:1", f"missing required key '{key}'", id=f"missing-{key}")
      for key in ("title", "date", "source", "summary")),
    pytest.param({"content/briefs/a.md": brief().replace("  url: https://example.com/a\n", "")},
                 "content/briefs/a.md:4:1", "missing required key 'source.url'", id="missing-source-url"),
    pytest.param({"content/briefs/a.md": brief(extra="timeline:\n  - {date: 2020/12, event: Launch}")},
                 "content/briefs/a.md:9:12", "timeline date must be YYYY, YYYY-MM or YYYY-MM-DD",
                 id="timeline-date-format"),
    pytest.param({"content/briefs/a.md": brief(date="2026-13-45")},
                 "content/briefs/a.md:3:7", "'date' is not a valid date: '2026-13-45'", id="impossible-date"),
    pytest.param({"content/briefs/a.md": brief(extra="comparison:\n  columns: [A, B]\n  rows:\n    - [a1, b1]\n    - [only]")},
                 "content/briefs/a.md:12:7", "comparison row 2 has 1 cells but there are 2 columns",
                 id="comparison-row-length"),
    pytest.param({"content/briefs/a.md": brief().replace("https://example.com/a", "ftp://example.com/a")},
                 "content/briefs/a.md:6:8", "'source.url' must be an http or https URL", id="source-url-ftp"),
    pytest.param({"content/briefs/a.md": brief().replace("https://example.com/a", "javascript:alert(1)")},
                 "content/briefs/a.md:6:8", "'source.url' must be an http or https URL",
                 id="source-url-javascript"),
    pytest.param({"content/briefs/a.md": brief(extra="audiance: [Developers]")},
                 "content/briefs/a.md:8:1", "unknown key 'audiance'", id="unknown-key"),
    pytest.param({"content/briefs/a.md": brief(extra="slug: same"), "content/briefs/c.md": brief(extra="slug: same")},
                 "content/briefs/c.md:8:7", "duplicate slug 'same': also used by content/briefs/a.md",
                 id="duplicate-slug"),
    pytest.param({"content/briefs/a.md": brief().encode().replace(b'"A brief"', b'"Caf\xe9"')},
                 "content/briefs/a.md:2:12", "not valid UTF-8", id="not-utf8"),
    pytest.param({"content/briefs/a.md": "---\ntitle: Never closed\ndate: 2026-05-02\n\nThe body.\n"},
                 "content/briefs/a.md:1:1", "front matter never closes", id="unclosed-front-matter"),
    pytest.param({"content/briefs/a.md": brief(extra="related: [b, no-such-brief]")},
                 "content/briefs/a.md:8:14", "related brief 'no-such-brief' does not exist", id="unknown-related"),
    pytest.param({"sitegen.yaml": "title: Test briefs\nbase_url: https://example.org/\nper_pge: 5\n"},
                 "sitegen.yaml:3:1", "unknown key 'per_pge'", id="unknown-config-key"),
    pytest.param({"content/briefs/a.md": brief(extra="tags: x: y")},
                 "content/briefs/a.md:8:8", "invalid YAML", id="invalid-yaml"),
    pytest.param({"sitegen.yaml": "title: Test briefs\nlanguage: deutsch\n"},
                 "sitegen.yaml:2:11", "unknown language code 'deutsch'", id="unknown-language"),
    pytest.param({"sitegen.yaml": "language: de\n", "i18n/de.yaml": '"Key takeaways": "Kern\n"Timeline": [\n'},
                 "i18n/de.yaml:2:2", "invalid YAML", id="catalog-syntax"),
    pytest.param({"sitegen.yaml": "language: de\n", "i18n/de.yaml": '"%(num)s brief":\n  one: "1"\n  few: "2"\n  other: "3"\n'},
                 "i18n/de.yaml:3:3", "'few' is not a plural category of 'de'", id="catalog-plural-category"),
    pytest.param({"sitegen.yaml": "language: fr\n", "i18n/fr.yaml": '"Week %(week)s": "Semaine %(semaine)s"\n'},
                 "i18n/fr.yaml:1:18", "unknown placeholder %(semaine)s", id="catalog-placeholder"),
    pytest.param({"sitegen.yaml": "title: Test briefs\nlanguages: [en, klingon]\n"},
                 "sitegen.yaml:2:17", "unknown language code 'klingon'", id="unknown-language-in-languages"),
    pytest.param({"content/briefs/a.md": brief(extra="lang: xx-yy")},
                 "content/briefs/a.md:8:7", "unknown language code 'xx-yy'", id="brief-unknown-language"),
    pytest.param({"content/briefs/a.md": brief(extra="lang: fr")},
                 "content/briefs/a.md:8:7", "'fr' is not one of the site's languages (en)", id="brief-unlisted-language"),
    pytest.param({"content/briefs/a.md": brief(extra="translation_of: nope")},
                 "content/briefs/a.md:8:17", "translation_of: there is no brief 'nope'", id="translation-of-missing"),
    pytest.param({"sitegen.yaml": "title: Test briefs\nlanguages: [en, zh]\n",
                  "content/briefs/a.md": brief(extra="lang: zh"), "content/briefs/c.md": brief(extra="lang: zh\ntranslation_of: a")},
                 "content/briefs/c.md:9:17", "translation_of: 'a' is in the same language (zh) as this brief",
                 id="translation-of-same-language"),
]


@pytest.mark.parametrize(("files", "where", "message"), CASES)
def test_rule_reports_location_and_keeps_public(make_site, cli, files, where, message) -> None:  # type: ignore[no-untyped-def]
    site, before = good_build(make_site)
    write_site(site, files)
    stderr = assert_refused(site, before, cli)
    first = stderr.splitlines()[0]
    assert first.startswith(f"{where}: error: "), stderr
    assert message in first, stderr
    assert stderr.rstrip().endswith("1 error; nothing was written."), stderr


@pytest.mark.parametrize(("files", "hint"), [
    ({"content/briefs/a.md": brief(extra="audiance: [Developers]")}, "did you mean 'audience'?"),
    ({"sitegen.yaml": "titel: Test\n"}, "did you mean 'title'?"),
], ids=["brief", "config"])
def test_unknown_key_hint_names_the_right_key(make_site, cli, files, hint) -> None:  # type: ignore[no-untyped-def]
    site, before = good_build(make_site)
    write_site(site, files)
    assert f"\n  hint: {hint}\n" in assert_refused(site, before, cli)


def test_error_shows_offending_line_with_caret(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site, before = good_build(make_site)
    write_site(site, {"content/briefs/a.md": brief(date="2026-13-45")})
    lines = assert_refused(site, before, cli).splitlines()
    assert lines[1] == "    date: 2026-13-45"
    assert lines[2] == "    " + " " * 6 + "^"


def test_every_error_of_every_file_is_reported_sorted(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site, before = good_build(make_site)
    write_site(site, {
        "content/briefs/b.md": brief(extra="tags: 5\naudiance: [x]"),  # two errors
        "content/briefs/a.md": brief(date="2026-02-30"),
        "content/briefs/c.md": "---\ntitle: unclosed\n",
        "content/about.md": "---\ntitle: [About]\n---\n",
    })
    stderr = assert_refused(site, before, cli)
    where = re.findall(r"^(\S+:\d+:\d+): error: ", stderr, flags=re.MULTILINE)
    assert where == [
        "content/about.md:2:8",
        "content/briefs/a.md:3:7",
        "content/briefs/b.md:8:7",
        "content/briefs/b.md:9:1",
        "content/briefs/c.md:1:1",
    ]
    assert stderr.rstrip().endswith("5 errors; nothing was written.")


@pytest.mark.parametrize(("name", "encode"), [
    ("bom", lambda text: b"\xef\xbb\xbf" + text.encode()),
    ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
    ("bom-crlf", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
], ids=["bom", "crlf", "bom-crlf"])
def test_bom_and_crlf_build_fine(make_site, cli, name, encode) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": encode(brief("Windows brief", extra="tags: [crlf]", body="Line one\n\nLine two")),
        "sitegen.yaml": encode("title: Encoded site\n"),
        "content/about.md": encode("---\ntitle: About\n---\nAbout.\n"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    html = (site / "public/briefs/a/index.html").read_text(encoding="utf-8")
    assert "Windows brief" in html and "<p>Line two</p>" in html
    assert "\r" not in html and "\ufeff" not in html
    assert "Encoded site" in (site / "public/index.html").read_text(encoding="utf-8")
