"""config: sitegen.yaml, every key optional, mistakes reported with sitegen.yaml:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import RelatedConfig, SiteConfig, load_config
from sitegen.errors import BuildFailed


def load(tmp_path: Path, text: str | bytes | None, base_url: str | None = None) -> SiteConfig:
    if text is not None:
        path = tmp_path / "sitegen.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return load_config(tmp_path, base_url)


def test_no_config_file_gives_every_default(tmp_path: Path) -> None:
    c = load(tmp_path, None)
    assert c == SiteConfig()
    assert (c.language, c.timezone, c.per_page, c.unsafe_html, c.cname) == ("en", "UTC", 20, False, "")
    assert c.related.count == 5
    assert c.base_path == "/"


@pytest.mark.parametrize("text", ["", "# nothing set\n", "\ufeff\n"], ids=["empty", "comment", "bom-only"])
def test_empty_config_gives_defaults(tmp_path: Path, text: str) -> None:
    assert load(tmp_path, text) == SiteConfig()


def test_every_key(tmp_path: Path) -> None:
    c = load(tmp_path, (
        "title: My briefs\ndescription: D\nauthor: A\nbase_url: https://user.github.io/repo\n"
        "language: zh\ntimezone: Asia/Shanghai\nper_page: 7\ncname: briefs.example.org\n"
        "markdown: {unsafe_html: true}\nrelated: {count: 3}\n"
    ))
    assert (c.title, c.description, c.author, c.language, c.timezone, c.per_page, c.cname) == (
        "My briefs", "D", "A", "zh", "Asia/Shanghai", 7, "briefs.example.org")
    assert c.unsafe_html is True and c.related.count == 3
    assert c.base_url == "https://user.github.io/repo/"  # a trailing slash is added
    assert c.related.threshold == RelatedConfig().threshold  # untouched sub-keys keep their defaults


@pytest.mark.parametrize(("base_url", "base_path", "origin"), [
    ("https://example.org", "/", "https://example.org"),
    ("https://example.org/", "/", "https://example.org"),
    ("https://user.github.io/repo/", "/repo/", "https://user.github.io"),
    ("https://user.github.io/repo", "/repo/", "https://user.github.io"),
    ("http://localhost:8000/a/b/", "/a/b/", "http://localhost:8000"),
], ids=["bare-host", "root", "project-site", "no-trailing-slash", "nested-with-port"])
def test_base_path_from_base_url(tmp_path: Path, base_url: str, base_path: str, origin: str) -> None:
    c = load(tmp_path, f"base_url: {base_url}\n")
    assert (c.base_path, c.origin) == (base_path, origin)


def test_base_url_override_wins(tmp_path: Path) -> None:
    c = load(tmp_path, "base_url: https://example.org/\n", base_url="https://user.github.io/override")
    assert c.base_url == "https://user.github.io/override/" and c.base_path == "/override/"


def test_base_url_override_without_config(tmp_path: Path) -> None:
    assert load(tmp_path, None, base_url="https://x.example/p/").base_path == "/p/"


def test_bad_override_is_blamed_on_the_option(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as info:
        load(tmp_path, "base_url: https://example.org/\n", base_url="not a url")
    assert str(info.value.diagnostics[0].location) == "--base-url:1:1"


@pytest.mark.parametrize(("text", "where", "message", "hint"), [
    ("titel: x\n", "1:1", "unknown key 'titel'", "did you mean 'title'?"),
    ("title: x\nper_pge: 3\n", "2:1", "unknown key 'per_pge'", "did you mean 'per_page'?"),
    ("markdown: {unsafe: true}\n", "1:12", "unknown key 'markdown.unsafe'", "did you mean 'unsafe_html'?"),
    ("title: [x]\n", "1:8", "'title' must be a string", ""),
    ("per_page: ten\n", "1:11", "'per_page' must be a whole number", ""),
    ("per_page: true\n", "1:11", "'per_page' must be a whole number", ""),
    ("per_page: 0\n", "1:11", "'per_page' must be at least 1", ""),
    ("markdown: {unsafe_html: 'yes'}\n", "1:25", "'markdown.unsafe_html' must be true or false", ""),
    ("markdown: true\n", "1:11", "'markdown' must be a mapping", ""),
    ("related: {count: -1}\n", "1:18", "'related.count' must not be negative", ""),
    ("related: {threshold: .nan}\n", "1:22", "'related.threshold' must be a number", ""),
    ("related: {half_life_days: 0}\n", "1:27", "'related.half_life_days' must be more than 0", ""),
    ("related: {weights: {tags: 5000}}\n", "1:27", "weight of 'tags' must be a number from -1,000 to 1,000", "1.0"),
    ("related: {weights: {text: .inf}}\n", "1:27", "'related.weights.text' must be a number", ""),
    ("base_url: ftp://example.org/\n", "1:11", "base_url must be an absolute http(s) URL", ""),
    ("base_url: /repo/\n", "1:11", "base_url must be an absolute http(s) URL", ""),
    ("base_url: 'http://[::1'\n", "1:11", "base_url is not a valid URL", ""),
    ("base_url: 'https://example.org:port/'\n", "1:11", "base_url is not a valid URL", ""),
    ("base_url: 'https://exa mple.org/'\n", "1:11", "characters URLs cannot hold", ""),
    ("base_url: 'https://example.org/\"><script>/'\n", "1:11", "characters URLs cannot hold", ""),
    ("base_url: 'https://example.org/?page=1'\n", "1:11", "must not have a ?query or #fragment", ""),
    ("base_url: 'https://me:secret@example.org/'\n", "1:11", "must not contain a user name or password", ""),
    ("timezone: Mars/Olympus\n", "1:11", "unknown timezone 'Mars/Olympus'", "IANA"),
    ("timezone: ../../etc/passwd\n", "1:11", "unknown timezone", "IANA"),
    ("- a\n- b\n", "1:1", "must be a mapping", "title: My briefs"),
    ("title: x: y\n", "1:9", "invalid YAML", "quote"),
    ("title: &t x\ndescription: *t\n", "2:14", "anchors and aliases", "in full"),
    (b"title: caf\xe9\n", "1:1", "not UTF-8", "UTF-8"),
    ("brand: {accent: orange}\n", "1:17", "brand.accent 'orange' is not a hex colour", "#rrggbb"),
    ("brand: {accent: '#12345'}\n", "1:17", "is not a hex colour", "#rrggbb"),
    ("brand: {logo: logo.svg}\n", "1:15", "brand.logo 'logo.svg' is not a file in static/", "static/"),
    ("brand: {logo: ../sitegen.yaml}\n", "1:15", "is not a file in static/", "static/"),
    ("brand: {colour: '#fff'}\n", "1:9", "unknown key 'brand.colour'", ""),
], ids=["typo-title", "typo-per-page", "typo-nested", "title-list", "per-page-text", "per-page-bool", "per-page-zero",
        "unsafe-html-string", "section-scalar", "negative-count", "nan-threshold", "zero-half-life", "huge-weight", "infinite-weight", "ftp-base-url",
        "relative-base-url", "bad-ipv6", "bad-port", "space", "quote", "query", "password", "unknown-timezone",
        "timezone-path", "not-a-mapping", "invalid-yaml", "alias", "not-utf8", "accent-name",
        "accent-short", "logo-missing", "logo-outside-static", "brand-typo"])
def test_invalid_config(tmp_path: Path, text: str | bytes, where: str, message: str, hint: str) -> None:
    with pytest.raises(BuildFailed) as info:
        load(tmp_path, text)
    d = info.value.diagnostics[0]
    assert str(d.location) == f"sitegen.yaml:{where}" and message in d.message, d.format()
    assert hint in d.hint


def test_every_config_error_is_reported(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as info:
        load(tmp_path, "titel: x\nper_page: 0\ntimezone: Nowhere/City\n")
    assert [str(d.location) for d in info.value.diagnostics] == [
        "sitegen.yaml:1:1", "sitegen.yaml:2:11", "sitegen.yaml:3:11"]


@pytest.mark.parametrize("data", [b"\xef\xbb\xbftitle: T\r\nper_page: 3\r\n", b"title: T\r\nper_page: 3\r\n"],
                         ids=["bom-crlf", "crlf"])
def test_bom_and_crlf(tmp_path: Path, data: bytes) -> None:
    c = load(tmp_path, data)
    assert (c.title, c.per_page) == ("T", 3)


def test_brand_keys(tmp_path: Path) -> None:
    (tmp_path / "static/img").mkdir(parents=True)
    (tmp_path / "static/img/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    c = load(tmp_path, "brand:\n  accent: '#C2410C'\n  logo: img/logo.svg\n")
    assert (c.accent, c.logo) == ("#C2410C", "img/logo.svg")
    assert (SiteConfig().accent, SiteConfig().logo) == ("", "")
