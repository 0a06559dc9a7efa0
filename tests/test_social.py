"""Social cards: the PNG itself, its cache, the og tags that point at it, and the image override."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO, brief
from sitegen import socialcard
from sitegen.errors import BuildFailed
from sitegen.fonts import cjk_face, cjk_font, is_cjk
from sitegen.pipeline import BuildOptions, build
from sitegen.sitecache import CACHE_DIR, write_atomic
from sitegen.socialcard import CardSpec, card_key, render_card

LATIN = CardSpec("AWS Booms but Amazon's Cash Flow Vanishes on AI Capex", "The Information", "2 May 2026",
                 "Signal Briefs", "#0b5cad", "AWS Q1 revenue", "$37.6B", "+28%", "up")
CJK = CardSpec("英伟达发布新一代数据中心芯片，存储价格连续三个季度上涨", "虎嗅", "2 May 2026", "简报", "#0b5cad",
               "HBM 合约价", "+18%", "−3.1 pts", "down", lang="zh")
TITLE_BOX = (72, 150, 1128, 460)
"""Where the title is drawn (left, top, right, bottom)."""


def png(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def dark_pixels(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in box darker than the page's muted grey: ink of the title."""
    return sum(img.convert("L").crop(box).histogram()[:80])


@pytest.mark.parametrize("spec", [LATIN, CJK], ids=["latin", "cjk"])
def test_card_is_a_1200x630_png_with_text_in_the_title_box(spec: CardSpec) -> None:
    data = render_card(spec)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    img = png(data)
    assert img.size == (1200, 630)
    assert len(img.convert("RGB").getcolors(1 << 16) or ()) >= 8, "more than a flat background"
    assert dark_pixels(img, TITLE_BOX) > 5000, "the title is drawn"
    accent = img.convert("RGB").getpixel((600, 5))
    assert accent == (11, 92, 173), "the accent band"


def test_cjk_title_glyphs_are_real_glyphs_not_the_missing_glyph_box() -> None:
    """Every character of the CJK title is in the CJK font, and each draws something other
    than the font's .notdef box (what a code point it lacks draws)."""
    font_file = cjk_font()
    assert font_file is not None
    from PIL import ImageDraw, ImageFont
    font = ImageFont.truetype(str(font_file.path), 48, index=cjk_face("zh"))

    def drawn(ch: str) -> bytes:
        img = Image.new("L", (64, 64))
        ImageDraw.Draw(img).text((8, 8), ch, font=font, fill=255)
        return img.tobytes()

    notdef = drawn("\U0010FFFD")  # a private-use code point: no font has it
    assert any(notdef), "the missing-glyph box draws something: the comparison below means something"
    fonts = socialcard._fonts(56, 700, cjk_face("zh"))
    for ch in CJK.title:
        if is_cjk(ch):
            assert ord(ch) in fonts.cjk_cmap, ch
            assert drawn(ch) != notdef, f"{ch} renders as the missing-glyph box"


def test_characters_no_font_has_are_left_out_not_drawn_as_boxes() -> None:
    with_missing = render_card(CardSpec(LATIN.title + " \U0010FFFD\U0010FFFE", *astuple_rest(LATIN)))
    assert png(with_missing).tobytes() == png(render_card(LATIN)).tobytes()


def astuple_rest(spec: CardSpec) -> tuple[object, ...]:
    return (spec.source, spec.date, spec.site, spec.accent, spec.metric_label, spec.metric_value,
            spec.metric_change, spec.metric_direction, spec.lang)


def test_cjk_wraps_between_characters_and_latin_at_spaces() -> None:
    fonts = socialcard._fonts(56, 700, cjk_face("zh"))
    lines, cut = socialcard.wrap("数据中心" * 12, fonts, 500, 10)
    assert not cut and len(lines) > 2, "a CJK title with no spaces still wraps"
    assert all(fonts.width(line) <= 500 for line in lines)
    assert "".join(lines) == "数据中心" * 12
    words = "Usage-based pricing ends flat seats for heavy coding agent users".split()
    lines, _ = socialcard.wrap(" ".join(words), fonts, 500, 10)
    assert [w for line in lines for w in line.split()] == words, "breaks only at spaces"
    lines, _ = socialcard.wrap("市场份额，并应对出口管制带来的不确定性。", fonts, 300, 10)
    assert not any(line[0] in "，。" for line in lines), "no line starts with closing punctuation"
    lines, _ = socialcard.wrap("チェックリストをアップデートしてショップへ", fonts, 230, 10)
    assert len(lines) > 2 and not any(line[0] in "ーッャュョ" for line in lines), lines


def test_a_long_title_ends_its_fourth_line_with_an_ellipsis() -> None:
    fonts = socialcard._fonts(56, 700, 2)
    lines, cut = socialcard.wrap("word " * 200, fonts, 1056, 4)
    assert cut and len(lines) == 4 and lines[-1].endswith("…") and fonts.width(lines[-1]) <= 1056
    long = render_card(CardSpec("Regulators " * 40, *astuple_rest(LATIN)))
    assert dark_pixels(png(long), (0, 470, 1200, 630)) == dark_pixels(png(render_card(LATIN)), (0, 470, 1200, 630)), \
        "the title never runs into the footer"


def test_same_spec_same_bytes_and_no_metadata_chunks() -> None:
    a, b = render_card(LATIN), render_card(LATIN)
    assert a == b
    chunks = set(re.findall(rb"(tIME|tEXt|iTXt|zTXt|eXIf)", a[:64] + a[-64:]))
    assert not chunks
    assert {chunk for chunk in _chunks(a)} <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def _chunks(data: bytes):  # type: ignore[no-untyped-def]
    i = 8
    while i < len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        yield data[i + 4:i + 8]
        i += 12 + length


def test_the_key_covers_what_the_card_shows() -> None:
    keys = {card_key(LATIN)}
    for field in ("title", "source", "date", "site", "accent", "metric_value", "metric_change", "lang"):
        changed = CardSpec(**{**LATIN.__dict__, field: getattr(LATIN, field) + "x"})
        keys.add(card_key(changed))
    assert len(keys) == 9
    assert card_key(LATIN, "fonts v1") != card_key(LATIN, "fonts v2")


def test_accent_is_the_themes_accent_or_the_brand_accent() -> None:
    css = (REPO / "layouts" / "style.css").read_text(encoding="utf-8")
    light = re.search(r"--accent:light-dark\((#[0-9a-f]{6}),", css).group(1)  # type: ignore[union-attr]
    assert light == socialcard.DEFAULT_ACCENT
    import datetime as dt

    from sitegen.config import SiteConfig
    from sitegen.errors import SourceLocation
    from sitegen.model import Brief, Source
    from sitegen.pages.social import card_spec
    b = Brief("a.md", "a", SourceLocation("a.md", 1, 1), "T", dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), False,
              Source("S", "https://example.com/"), "s", "")
    assert card_spec(SiteConfig(), b).accent == socialcard.DEFAULT_ACCENT
    assert card_spec(SiteConfig(accent="#c2410c"), b).accent == "#c2410c"  # brand.accent in sitegen.yaml


# --- in a build ---------------------------------------------------------------------------------

def site_with(make_site, **briefs: str) -> Path:  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {"sitegen.yaml": "title: Card Site\nbase_url: https://example.org/repo/\n"}
    files.update({f"content/briefs/{slug}.md": text for slug, text in briefs.items()})
    return make_site(files)


METRIC = '''
metrics:
  - {label: Revenue, value: 37.6, unit: "$B", change: "+12%"}
'''


def test_build_writes_a_card_per_brief_and_points_og_image_at_it(make_site, tmp_path: Path) -> None:
    site = site_with(make_site, one=brief("A Latin title", extra=METRIC), zh=brief("数据中心芯片价格上涨"))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    for slug in ("one", "zh"):
        card = tmp_path / "out" / "briefs" / slug / "card.png"
        assert png(card.read_bytes()).size == (1200, 630)
        page = (tmp_path / "out" / "briefs" / slug / "index.html").read_text(encoding="utf-8")
        url = f"https://example.org/repo/briefs/{slug}/card.png"
        assert f'<meta property="og:image" content="{url}">' in page
        assert f'<meta name="twitter:image" content="{url}">' in page
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        assert '<meta property="og:image:width" content="1200">' in page
        assert '<meta property="og:image:height" content="630">' in page
        assert re.search(r'<meta property="og:image:alt" content="[^"]+">', page)
    assert "$37.6B ▲ 12%" not in page  # (the zh page) and the alt of the Latin one says its metric:
    one = (tmp_path / "out" / "briefs" / "one" / "index.html").read_text(encoding="utf-8")
    assert 'content="A Latin title — Example News, 2 May 2026 — Revenue: $37.6B, up +12%"' in one
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in home and '<meta name="twitter:card" content="summary">' in home
    cached = sorted((site / CACHE_DIR / "cards").iterdir())
    assert len(cached) == 2 and all(re.fullmatch(r"[0-9a-f]{32}\.png", p.name) for p in cached)


def test_a_cached_card_is_reused_and_a_changed_title_makes_a_new_one(make_site, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_with(make_site, one=brief("First title"), two=brief("Second title"))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    cache = site / CACHE_DIR / "cards"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    old_card = (tmp_path / "out" / "briefs" / "one" / "card.png").read_bytes()

    drawn: list[str] = []

    def counting(spec: CardSpec) -> bytes:
        drawn.append(spec.title)
        return render_card(spec)

    monkeypatch.setattr("sitegen.pages.social.render_card", counting)
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    assert drawn == [], "every card came from the cache"
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before

    (site / "content/briefs/one.md").write_text(brief("A new title"), encoding="utf-8")
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    assert drawn == ["A new title"], "only the edited brief's card is drawn again"
    assert (tmp_path / "out" / "briefs" / "one" / "card.png").read_bytes() != old_card
    assert len(list(cache.iterdir())) == 2, "the card no build uses any more is pruned"


def test_a_torn_cache_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "cards" / "x.png"
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert not target.exists() and list(target.parent.iterdir()) == []
    write_atomic(target, b"whole")
    assert target.read_bytes() == b"whole"


def test_image_override_replaces_the_card_and_shows_on_the_page(make_site, tmp_path: Path) -> None:
    extra = 'image: images/chart.png\nimage_alt: "Bar chart of <revenue> by quarter"\n'
    remote = 'image: https://cdn.example.net/chart.png\nimage_alt: "A remote chart"\n'
    site = site_with(make_site, own=brief("Own image", extra=extra), far=brief("Remote image", extra=remote))
    (site / "static" / "images").mkdir(parents=True)
    (site / "static" / "images" / "chart.png").write_bytes(render_card(LATIN))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    page = (tmp_path / "out" / "briefs" / "own" / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://example.org/repo/images/chart.png">' in page
    assert '<meta property="og:image:alt" content="Bar chart of &lt;revenue&gt; by quarter">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<img src="/repo/images/chart.png" alt="Bar chart of &lt;revenue&gt; by quarter"' in page
    assert not (tmp_path / "out" / "briefs" / "own" / "card.png").exists()
    far = (tmp_path / "out" / "briefs" / "far" / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://cdn.example.net/chart.png">' in far
    assert "<img" not in far.split("<main", 1)[1].split("</main>")[0], "no request to another host"


@pytest.mark.parametrize("extra, message", [
    ("image: images/chart.png\n", "content/briefs/x.md:8:1: error: 'image' needs 'image_alt' too"),
    ('image: "javascript:alert(1)"\nimage_alt: x\n', "content/briefs/x.md:8:8: error: 'image' must not be a javascript: URL"),
    ("image: http://example.com/a.png\nimage_alt: x\n",
     "content/briefs/x.md:8:8: error: 'image' must be an https URL or a path in static/, got 'http://example.com/a.png'"),
    ("image: ../secret.png\nimage_alt: x\n", "content/briefs/x.md:8:8: error: 'image' is not a path in static/: '../secret.png'"),
], ids=["no-alt", "javascript", "http", "dotdot"])
def test_bad_image_fields_are_located_errors(make_site, tmp_path: Path, extra: str, message: str) -> None:
    site = site_with(make_site, x=brief("X", extra=extra))
    with pytest.raises(BuildFailed) as e:
        build(BuildOptions(site, output=tmp_path / "out", workers=1))
    report = str(e.value)
    assert message in report, report
    assert "hint:" in report


def test_cards_off_by_environment(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_CARDS", "off")
    site = site_with(make_site, one=brief("No card"))
    result = build(BuildOptions(site, output=tmp_path / "out", workers=1))
    page = (tmp_path / "out" / "briefs" / "one" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page
    assert not (tmp_path / "out" / "briefs" / "one" / "card.png").exists()
    assert result.notes == ()


def test_without_the_fonts_the_build_goes_on_and_says_so(make_site, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socialcard, "latin_font", lambda: None)
    socialcard._probe.cache_clear()
    try:
        site = site_with(make_site, one=brief("No fonts"))
        result = build(BuildOptions(site, output=tmp_path / "out", workers=1))
    finally:
        socialcard._probe.cache_clear()
    assert result.notes == ("social cards are off: the font package fontpkg-noto-sans is not installed",)
    page = (tmp_path / "out" / "briefs" / "one" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in page


def test_a_card_that_cannot_be_drawn_is_a_note_not_a_traceback(make_site, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(spec: CardSpec) -> bytes:
        raise socialcard.CardsUnavailable("cannot load the card fonts (broken file)")

    monkeypatch.setattr("sitegen.pages.social.render_card", broken)
    site = site_with(make_site, one=brief("Broken font"))
    result = build(BuildOptions(site, output=tmp_path / "out", workers=1))
    assert result.notes == ("not made: cards: cannot load the card fonts (broken file) (1 not made)",)
    assert (tmp_path / "out" / "briefs" / "one" / "index.html").is_file()


def test_cards_are_hard_links_into_the_cache(make_site, tmp_path: Path) -> None:
    site = site_with(make_site, one=brief("Linked"))
    build(BuildOptions(site, output=tmp_path / "out", workers=1))
    card = tmp_path / "out" / "briefs" / "one" / "card.png"
    (cached,) = (site / CACHE_DIR / "cards").iterdir()
    if os.stat(card).st_dev == os.stat(cached).st_dev:
        assert os.path.samefile(card, cached)


def test_check_reports_an_image_that_is_not_in_static(make_site) -> None:  # type: ignore[no-untyped-def]
    from sitegen.check import check_site
    extra = 'image: images/missing.png\nimage_alt: "A chart"\n'
    site = site_with(make_site, gone=brief("Gone", extra=extra), here=brief("Here", extra=extra.replace("missing", "here")))
    (site / "static" / "images").mkdir(parents=True)
    (site / "static" / "images" / "here.png").write_bytes(b"png")
    result = check_site(BuildOptions(site, workers=1))
    assert [d.format().splitlines()[0] for d in result.problems] == [
        "content/briefs/gone.md:8:8: error: image 'images/missing.png' is not in static/"]
    # check writes no output and no cards; it shares only the parse results of the build cache
    assert not (site / "public").exists() and not (site / CACHE_DIR / "cards").exists()
    assert sorted(p.name for p in (site / CACHE_DIR).iterdir()) == ["parse"]


def test_build_refuses_an_image_that_is_not_in_static(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    extra = 'image: images/missing.png\nimage_alt: "A chart"\n'
    site = site_with(make_site, gone=brief("Gone", extra=extra))
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "content/briefs/gone.md:8:8: error: image 'images/missing.png' is not in static/" in result.stderr
    assert "hint: put the file at static/images/missing.png" in result.stderr
    assert not (site / "public").exists()
    (site / "static" / "images").mkdir(parents=True)
    (site / "static" / "images" / "missing.png").write_bytes(b"png")
    assert cli("build", str(site)).returncode == 0
