"""A brief's social card: the 1200×630 PNG that link previews show (og:image).

`render_card(spec)` is a pure function of its CardSpec and the installed fonts and Pillow:
the same spec gives the same bytes (the PNG carries no time or other metadata), so a card
can be cached under `card_key(spec)`, which covers everything the bytes depend on.

Text is drawn with Noto Sans (Latin, Greek, Cyrillic; bold for the title) and falls back,
character by character, to Noto Sans CJK (sitegen/fonts.py); a character neither font has
is left out rather than drawn as a box. Latin text wraps at spaces, CJK text between any two
characters (never before closing or after opening punctuation), and a title longer than
its box ends its last line with an ellipsis.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

from sitegen import __version__
from sitegen.fonts import FontFile, cjk_face, cjk_font, is_cjk, latin_font
from sitegen.sitecache import CannotMake

WIDTH, HEIGHT = 1200, 630
LAYOUT_VERSION = 1
"""Bump when the drawing changes: every cached card is then made again."""

FG = (27, 31, 36)
MUTED = (77, 86, 97)
LINE = (214, 219, 224)
BAND = (245, 247, 249)
BG = (255, 255, 255)
UP = (26, 127, 55)
DOWN = (180, 35, 24)
PAD = 72

_NO_BREAK_BEFORE = frozenset("、。，．：；！？）」』】〕〉》”’,.:;!?)]}%‰ー々〜・"
                             "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
"""Closing punctuation, small kana and marks: never the first character of a line (kinsoku)."""
_NO_BREAK_AFTER = frozenset("（「『【〔〈《“‘([{")


DEFAULT_ACCENT = "#0b5cad"
"""The theme's accent colour (--accent in layouts/style.css; a test holds them together)."""
OFF_ENV = "SITEGEN_CARDS"
"""SITEGEN_CARDS=off builds without social cards (brief pages then have no og:image)."""


class CardsUnavailable(CannotMake):
    """Pillow or the fonts are missing or unusable: cards cannot be drawn here."""


def card_support() -> str | None:
    """None when cards can be made here, else why not (one line for the author)."""
    if os.environ.get(OFF_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return f"{OFF_ENV}=off"
    return _probe()


@functools.cache
def _probe() -> str | None:
    try:
        import PIL.ImageFont  # noqa: F401
    except ImportError as e:
        return f"Pillow is not installed ({e})"
    for font, package in ((latin_font(), "fontpkg-noto-sans"), (cjk_font(), "noto-cjk-sans-otc")):
        if font is None:
            return f"the font package {package} is not installed"
    return None


@dataclass(frozen=True)
class CardSpec:
    """Everything a card shows (and nothing else: it is the cache key)."""

    title: str
    source: str
    date: str
    """As shown: '2 May 2026'."""
    site: str
    accent: str
    """'#rrggbb'."""
    metric_label: str = ""
    metric_value: str = ""
    """Formatted (sitegen/numbers.py): '$37.6B'."""
    metric_change: str = ""
    """Formatted, without an arrow: '+28%'."""
    metric_direction: str = "none"
    """'up', 'down' or 'none': the arrow and colour drawn before the change."""
    lang: str = ""
    """The source's language: picks the regional glyph forms of CJK text."""


def font_identity() -> str:
    """What the card bytes depend on besides the spec: sitegen, Pillow and the font files."""
    try:
        import PIL
        pillow = PIL.__version__
    except ImportError:
        pillow = "none"
    fonts = [f.identity if f is not None else "none" for f in (latin_font(), cjk_font())]
    return f"sitegen {__version__}; layout {LAYOUT_VERSION}; Pillow {pillow}; " + "; ".join(fonts)


_SPEC_FIELDS = tuple(f.name for f in fields(CardSpec))


def card_key(spec: CardSpec, identity: str | None = None) -> str:
    """A hex digest of the spec and of everything else the PNG depends on."""
    values = [getattr(spec, name) for name in _SPEC_FIELDS]
    payload = json.dumps([_SPEC_FIELDS, values, identity if identity is not None else font_identity()],
                         ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def alt_text(spec: CardSpec) -> str:
    """The og:image:alt of a card: what it says, in one line."""
    parts = [spec.title, f"{spec.source}, {spec.date}"]
    if spec.metric_value:
        change = spec.metric_change
        if change and spec.metric_direction in ("up", "down"):
            change = f"{spec.metric_direction} {change}"  # the arrow and colour, in words
        metric = ", ".join(p for p in (spec.metric_value, change) if p)
        parts.append(f"{spec.metric_label}: {metric}" if spec.metric_label else metric)
    return " — ".join(parts)


# --- fonts --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Fonts:
    """One size and weight: the primary font, the CJK fallback, and which code points each has."""

    main: object
    cjk: object | None
    main_cmap: frozenset[int]
    cjk_cmap: frozenset[int]
    cjk_stroke: int = 0
    """The CJK font has one weight (Regular): bold CJK text is drawn with this outline."""
    widths: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    """Measured widths (a per-process cache: _fonts() keeps one _Fonts per size)."""

    def runs(self, text: str) -> Iterator[tuple[str, object]]:
        """(text, font) runs; characters no font has are dropped."""
        run, font = "", None
        for ch in text:
            cp = ord(ch)
            if cp in self.main_cmap or ch == " ":
                f = self.main
            elif self.cjk is not None and cp in self.cjk_cmap:
                f = self.cjk
            else:
                continue
            if f is not font and run:
                yield run, font
                run = ""
            run, font = run + ch, f
        if run:
            yield run, font

    def width(self, text: str) -> float:
        w = self.widths.get(text)
        if w is None:
            w = self.widths[text] = sum(f.getlength(run) for run, f in self.runs(text))  # type: ignore[attr-defined]
        return w


def _required() -> tuple[FontFile, FontFile | None]:
    latin = latin_font()
    if latin is None:
        raise CardsUnavailable("the font package fontpkg-noto-sans is not installed")
    return latin, cjk_font()


@functools.cache
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont
    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap() or {})


@functools.cache
def _fonts(size: int, weight: int, face: int) -> _Fonts:
    try:
        from PIL import ImageFont
    except ImportError as e:
        raise CardsUnavailable(f"Pillow is not installed ({e})") from None
    latin, cjk = _required()
    try:
        main = ImageFont.truetype(str(latin.path), size, layout_engine=ImageFont.Layout.BASIC)
        names = [a["name"] for a in main.get_variation_axes()]  # type: ignore[union-attr]
        main.set_variation_by_axes([weight if n in (b"Weight", "Weight") else 100 for n in names])
        cj = (ImageFont.truetype(str(cjk.path), size, index=face, layout_engine=ImageFont.Layout.BASIC)
              if cjk is not None else None)
        stroke = max(1, round(size / 40)) if weight >= 600 else 0
        return _Fonts(main, cj, _cmap(str(latin.path), 0), _cmap(str(cjk.path), face) if cjk else frozenset(), stroke)
    except Exception as e:  # a broken font file or library: cards are off, the build goes on
        raise CardsUnavailable(f"cannot load the card fonts ({type(e).__name__}: {e})") from None


# --- line breaking ------------------------------------------------------------------------------

def _tokens(text: str) -> list[tuple[str, bool]]:
    """(piece, space before it): Latin words whole, CJK characters one by one, punctuation
    kept with the character it must not be separated from."""
    out: list[tuple[str, bool]] = []
    word, space, glue = "", False, False
    for ch in text:
        if ch.isspace():
            if word:
                out.append((word, space))
                word = ""
            space, glue = True, False
            continue
        if ch in _NO_BREAK_BEFORE and (word or out) and not space:
            if word:
                word += ch
            else:
                piece, sp = out.pop()
                word, space = piece + ch, sp
            continue
        if is_cjk(ch) and not glue:
            if word:
                out.append((word, space))
                space = False
            word = ch
            glue = ch in _NO_BREAK_AFTER
            continue
        if word and is_cjk(word[-1]) and not glue:
            out.append((word, space))
            word, space = "", False
        word += ch
        glue = ch in _NO_BREAK_AFTER
    if word:
        out.append((word, space))
    return out


def wrap(text: str, fonts: _Fonts, width: float, max_lines: int) -> tuple[list[str], bool]:
    """Lines of at most `width` pixels; (lines, cut): cut when the text did not fit in max_lines.
    A line's width is the sum of its pieces' widths (each measured once)."""
    space_w = fonts.width(" ")
    lines: list[str] = []
    line, line_w = "", 0.0
    for piece, space in _tokens(text):
        w = fonts.width(piece)
        gap = space_w if line and space else 0.0
        if line_w + gap + w <= width:
            line, line_w = line + (" " if gap else "") + piece, line_w + gap + w
            continue
        if line:
            lines.append(line)
        line, line_w = piece, w
        while line_w > width:  # a word longer than the line: break it anywhere
            cut = len(line) - 1
            while cut > 1 and fonts.width(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
            line_w = fonts.width(line)
        if len(lines) > max_lines:
            break
    if line:
        lines.append(line)
    if len(lines) <= max_lines:
        return lines, False
    return lines[: max_lines - 1] + [ellipsize(lines[max_lines - 1], fonts, width, force=True)], True


def ellipsize(text: str, fonts: _Fonts, width: float, force: bool = False) -> str:
    """`text` cut to fit `width` with a trailing '…' (only when cut, unless `force`)."""
    if not force and fonts.width(text) <= width:
        return text
    while text and fonts.width(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,.;:–—-、，。・") + "…"


# --- drawing ------------------------------------------------------------------------------------

TITLE_SIZES = ((72, 3), (64, 3), (56, 4))
"""(pixel size, most lines): the largest size at which the whole title fits is used; at the
last size the fourth line ends with an ellipsis."""


def _hex(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    try:
        return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)) if len(c) == 6 else (11, 92, 173)
    except ValueError:
        return (11, 92, 173)


def _draw_text(draw, xy: tuple[float, float], text: str, fonts: _Fonts, fill, anchor_right: bool = False) -> float:  # type: ignore[no-untyped-def]
    """Draw on a baseline at xy (left end, or right end with anchor_right); returns the width."""
    x, y = xy
    w = fonts.width(text)
    if anchor_right:
        x -= w
    for run, font in fonts.runs(text):
        stroke = fonts.cjk_stroke if font is fonts.cjk else 0
        draw.text((x, y), run, font=font, fill=fill, anchor="ls", stroke_width=stroke, stroke_fill=fill)
        x += font.getlength(run)  # type: ignore[attr-defined]
    return w


def render_card(spec: CardSpec) -> bytes:
    """The card as PNG bytes. Raises CardsUnavailable when Pillow or the fonts are missing."""
    try:
        from PIL import Image, ImageDraw
    except ImportError as e:
        raise CardsUnavailable(f"Pillow is not installed ({e})") from None
    face = cjk_face(spec.lang)
    accent = _hex(spec.accent)
    img = Image.new("RGB", (WIDTH, HEIGHT), BG)
    draw = ImageDraw.Draw(img)
    inner = WIDTH - 2 * PAD

    # The accent band, the site name and the date.
    draw.rectangle((0, 0, WIDTH, 14), fill=accent)
    head = _fonts(30, 700, face)
    small = _fonts(28, 400, face)
    date_w = small.width(spec.date)
    _draw_text(draw, (PAD, 84), ellipsize(spec.site, head, inner - date_w - 40), head, accent)
    _draw_text(draw, (WIDTH - PAD, 84), spec.date, small, MUTED, anchor_right=True)

    # The title: the largest size at which it fits, else cut with an ellipsis.
    title = " ".join(spec.title.split())
    for size, most in TITLE_SIZES:
        fonts = _fonts(size, 700, face)
        lines, cut = wrap(title, fonts, inner, most)
        if not cut:
            break
    step = round(size * 1.22)
    y = 150 + size
    for line in lines:
        _draw_text(draw, (PAD, y), line, fonts, FG)
        y += step

    # The footer: the source on the left, the top metric on the right.
    top = 470
    draw.rectangle((0, top, WIDTH, HEIGHT), fill=BAND)
    draw.line((0, top, WIDTH, top), fill=LINE, width=2)
    label = _fonts(24, 400, face)
    value = _fonts(50, 700, face)
    change = _fonts(32, 700, face)
    metric_w = 0.0
    if spec.metric_value:
        colour = {"up": UP, "down": DOWN}.get(spec.metric_direction, MUTED)
        change_text = spec.metric_change
        change_w = change.width(change_text) + (34 if spec.metric_direction in ("up", "down") else 0)
        room = inner * 0.6
        value_text = ellipsize(spec.metric_value, value, room - change_w - (20 if change_text else 0))
        value_w = value.width(value_text)
        x = WIDTH - PAD
        if change_text:
            x -= _draw_text(draw, (x, 578), change_text, change, colour, anchor_right=True)
            if spec.metric_direction in ("up", "down"):
                x -= 34
                _triangle(draw, x + 12, 566, spec.metric_direction, colour)
            x -= 20
        _draw_text(draw, (x, 580), value_text, value, FG, anchor_right=True)
        metric_w = min(room, value_w + (WIDTH - PAD - x))
        if spec.metric_label:
            _draw_text(draw, (WIDTH - PAD, 522), ellipsize(spec.metric_label, label, room), label, MUTED,
                       anchor_right=True)
            metric_w = max(metric_w, min(room, label.width(spec.metric_label)))
    source_room = inner - metric_w - 48
    _draw_text(draw, (PAD, 522), "Source", label, MUTED)
    source = _fonts(36, 700, face)
    _draw_text(draw, (PAD, 576), ellipsize(spec.source, source, source_room), source, FG)

    # Every pixel is one colour drawn over one background, or a blend of the two at a text edge:
    # a fixed palette of those blends holds the card exactly, and makes the PNG a third of the
    # size and quick to encode. No pnginfo: the file carries no time and no metadata.
    out = io.BytesIO()
    img.quantize(palette=_palette(accent), dither=Image.Dither.NONE).save(out, format="PNG", compress_level=3)
    return out.getvalue()


@functools.cache
def _palette(accent: tuple[int, int, int]):  # type: ignore[no-untyped-def]
    from PIL import Image
    pairs = [(FG, BG), (MUTED, BG), (accent, BG), (FG, BAND), (MUTED, BAND), (UP, BAND), (DOWN, BAND), (LINE, BAND)]
    colours: list[tuple[int, int, int]] = []
    for ink, paper in pairs:
        for k in range(9):
            c = tuple(round(ink[i] * k / 8 + paper[i] * (8 - k) / 8) for i in range(3))
            if c not in colours:
                colours.append(c)  # type: ignore[arg-type]
    pal = Image.new("P", (1, 1))
    flat = [v for c in colours for v in c]
    pal.putpalette(flat + [0] * (768 - len(flat)))
    return pal


def _triangle(draw, cx: float, cy: float, direction: str, fill) -> None:  # type: ignore[no-untyped-def]
    """▲ or ▼ drawn as a shape (no font needed), centred on (cx, cy)."""
    h, w = 20, 24
    if direction == "up":
        points = [(cx - w / 2, cy + h / 2), (cx + w / 2, cy + h / 2), (cx, cy - h / 2)]
    else:
        points = [(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx, cy + h / 2)]
    draw.polygon(points, fill=fill)
