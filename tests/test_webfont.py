"""The CJK web font: a subset of Noto Sans CJK with exactly the site's CJK characters, served by
the site itself, so a reader without a CJK font sees 虎嗅 and not boxes."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import brief, linked_css, site_bytes
from sitegen.pipeline import BuildOptions, build
from sitegen.serve.incremental import LiveSite
from sitegen.serve.watch import classify_batch
from sitegen.sitecache import CACHE_DIR
from sitegen.fonts import cjk_in


def zh_brief(title: str = "芯片价格上涨", body: str = "存储厂商扩产。") -> str:
    return brief(title, body=body).replace("name: Example News", "name: 虎嗅")


def site_files(**briefs: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"sitegen.yaml": "title: Font Site\nbase_url: https://example.org/repo/\n"}
    files.update({f"content/briefs/{slug}.md": text for slug, text in briefs.items()})
    return files


def font_file(out: Path) -> Path:
    (font,) = (out / "fonts").iterdir()
    return font


def test_the_subset_holds_exactly_the_sites_cjk_characters(make_site, tmp_path: Path) -> None:
    site = make_site(site_files(zh=zh_brief(), en=brief("English only")))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    font = font_file(tmp_path / "out")
    assert font.name == "cjk-sc.woff2"
    data = font.read_bytes()
    assert data[:4] == b"wOF2" and len(data) < 20_000
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    cjk_in_font = {chr(cp) for cp in cmap if cjk_in(chr(cp))}
    assert cjk_in_font == set("芯片价格上涨虎嗅存储厂商扩产。")
    names = TTFont(io.BytesIO(data))["name"]
    assert names.getDebugName(13), "the OFL licence record stays in the subset"


def test_every_page_gets_the_font_face_rule_under_the_base_path(make_site, tmp_path: Path) -> None:
    site = make_site(site_files(zh=zh_brief()))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    name = font_file(tmp_path / "out").name
    for page in ("index.html", "briefs/zh/index.html", "tags/index.html"):
        html = linked_css(tmp_path / "out", (tmp_path / "out" / page).read_text(encoding="utf-8"), "/repo/")
        rule = re.search(r"@font-face\{[^}]*\}", html)
        assert rule is not None, page
        text = rule.group()
        assert text.index('local("Noto Sans CJK SC")') < text.index(f'url("/repo/fonts/{name}") format("woff2")')
        assert "unicode-range:U+1100-11FF," in text and "U+4E00-9FFF" in text and "font-display:swap" in text
        assert re.search(r'"Noto Sans CJK SC","Sitegen CJK",sans-serif;', html), "last in the stack"


def test_a_site_without_cjk_text_gets_no_font(make_site, tmp_path: Path) -> None:
    site = make_site(site_files(en=brief("English only")))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    assert not (tmp_path / "out" / "fonts").exists()
    assert "@font-face" not in (tmp_path / "out" / "assets/style.css").read_text(encoding="utf-8")
    assert not (site / CACHE_DIR / "fonts").exists()


def test_the_font_is_reproducible_and_cached(make_site, tmp_path: Path) -> None:
    import shutil
    site = make_site(site_files(zh=zh_brief()))
    build(BuildOptions(site, output=tmp_path / "one", workers=1))
    shutil.rmtree(site / CACHE_DIR)
    build(BuildOptions(site, output=tmp_path / "two", workers=1))
    assert font_file(tmp_path / "one").read_bytes() == font_file(tmp_path / "two").read_bytes()
    (cached,) = (site / CACHE_DIR / "fonts").iterdir()
    assert cached.read_bytes() == font_file(tmp_path / "two").read_bytes()


def test_serve_keeps_the_font_in_step_with_a_body_edit(make_site, tmp_path: Path) -> None:
    site = make_site(site_files(zh=zh_brief(), en=brief("English only")))
    live = LiveSite(BuildOptions(site, workers=1), tmp_path / "live")
    live.rebuild()
    old = font_file(tmp_path / "live").read_bytes()
    for f, text in ((site / "content/briefs/zh.md", zh_brief(body="新增一个字：鑫。")),
                    (site / "content/briefs/en.md", brief("English only", body="Now with 汉字.")),
                    (site / "content/briefs/zh.md", brief("No CJK left"))):
        f.write_text(text, encoding="utf-8")
        live.rebuild(classify_batch(site, [f]))
        build(BuildOptions(site, output=tmp_path / "clean", workers=1))
        assert site_bytes(tmp_path / "live") == site_bytes(tmp_path / "clean"), text
    assert font_file(tmp_path / "live").read_bytes() != old
    (site / "content/briefs/en.md").write_text(brief("English only"), encoding="utf-8")
    live.rebuild(classify_batch(site, [site / "content/briefs/en.md"]))
    assert not (tmp_path / "live" / "fonts").exists(), "the last CJK character gone: no font, no rule"
    assert "@font-face" not in (tmp_path / "live" / "assets/style.css").read_text(encoding="utf-8")


# --- in Chromium, on this machine (which has no CJK system font) --------------------------------

@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "out"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_chromium_draws_cjk_with_the_sites_font(make_site, http_root: tuple[Path, str]) -> None:
    from test_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser
    _require_browser()
    from playwright.sync_api import sync_playwright

    root, url = http_root
    files = site_files(zh=zh_brief())
    files["sitegen.yaml"] = "title: Font Site\n"  # base path /, served from any origin
    site = make_site(files)
    build(BuildOptions(site, output=root, workers=1))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            hosts: set[str] = set()
            page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
            page.goto(url + "briefs/zh/")
            page.wait_for_function("document.fonts.status === 'loaded'")
            faces = page.evaluate("""() => { const out = [];
                document.fonts.forEach(f => out.push([f.family, f.status])); return out; }""")
            assert ['"Sitegen CJK"', "loaded"] in faces or ["Sitegen CJK", "loaded"] in faces, faces
            assert page.evaluate("""() => document.fonts.check('16px "Sitegen CJK"', '虎嗅')""")
            # The title's glyphs are as wide as the font says (1em each), not .notdef boxes of another font.
            width = page.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
                c.font = '100px "Sitegen CJK"'; return c.measureText('虎嗅').width; }""")
            assert 190 <= width <= 210, width
            assert hosts == {url.split("/")[2]}, "nothing from another host"
        finally:
            browser.close()
