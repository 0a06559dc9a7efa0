"""A CJK web font made from the site's own text, so no reader sees boxes for 虎嗅.

The theme's font stack names the CJK fonts systems usually have (PingFang, Microsoft YaHei,
Noto Sans CJK). A reader whose system has none would see empty boxes, so a site with CJK text
also serves a subset of Noto Sans CJK (sitegen/fonts.py) holding exactly the CJK characters
the site uses: fontTools cuts it, brotli compresses it as WOFF2 (WOFF without brotli). The
@font-face rule lists local() copies first and a unicode-range of the CJK blocks, so a browser
downloads it only for a page with CJK text on a system without such a font. Nothing is
loaded from another host.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass

from sitegen.fonts import CJK_RANGES, FontFile, cjk_font
from sitegen.sitecache import CannotMake

FAMILY = "Sitegen CJK"
"""The family name the theme's font-family stack ends with (before sans-serif)."""

LOCAL_NAMES = {
    0: ("Noto Sans CJK JP", "NotoSansCJKjp-Regular", "Source Han Sans JP", "SourceHanSansJP-Regular"),
    1: ("Noto Sans CJK KR", "NotoSansCJKkr-Regular", "Source Han Sans KR", "SourceHanSansKR-Regular"),
    2: ("Noto Sans CJK SC", "NotoSansCJKsc-Regular", "Source Han Sans SC", "SourceHanSansSC-Regular"),
    3: ("Noto Sans CJK TC", "NotoSansCJKtc-Regular", "Source Han Sans TC", "SourceHanSansTC-Regular"),
    4: ("Noto Sans CJK HK", "NotoSansCJKhk-Regular", "Source Han Sans HK", "SourceHanSansHK-Regular"),
}
"""Installed copies of the same face, tried before the download (full and PostScript names)."""

KEEP_NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)
"""Name records the subset keeps: names, version, and the copyright and licence (OFL 1.1)."""

@dataclass(frozen=True)
class WebFontSpec:
    chars: str
    """Sorted CJK characters to keep."""
    face: int
    """Face of the CJK collection (fonts.CJK_FACES)."""
    flavor: str
    """'woff2' or 'woff'."""


def flavor() -> str:
    """WOFF2 when brotli is installed (it is a dependency), else WOFF (zlib)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


def identity() -> str | None:
    """What the subset's bytes depend on besides the characters; None without the CJK font."""
    font = cjk_font()
    if font is None:
        return None
    try:
        import fontTools
    except ImportError:
        return None
    return f"{font.identity}; fontTools {fontTools.version}"


def font_key(spec: WebFontSpec, ident: str) -> str:
    payload = f"{spec.chars}\0{spec.face}\0{spec.flavor}\0{ident}".encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


FACE_TAGS = {0: "jp", 1: "kr", 2: "sc", 3: "tc", 4: "hk"}


def file_tag(face: int) -> str:
    """The file's name part: the region of the face ('sc'). It does not change with the characters
    nor with the font's version, so no page changes when an edit brings a new character (only the
    font file does: a browser's copy is at most as old as the host's cache time, ten minutes on
    GitHub Pages) and pages do not depend on which fontTools made the file."""
    return FACE_TAGS.get(face, "sc")


def subset(spec: WebFontSpec) -> bytes:
    """The CJK face cut to spec.chars, as WOFF2 or WOFF. Deterministic: no timestamp is renewed."""
    font_file = cjk_font()
    if font_file is None:
        raise CannotMake("the font package noto-cjk-sans-otc is not installed")
    return _subset(font_file, spec)


def _subset(font_file: FontFile, spec: WebFontSpec) -> bytes:
    try:
        from fontTools import subset as ft_subset
        from fontTools.ttLib import TTFont
    except ImportError as e:
        raise CannotMake(f"fontTools is not installed ({e})") from None
    try:
        font = TTFont(str(font_file.path), fontNumber=spec.face, lazy=True, recalcTimestamp=False)
        options = ft_subset.Options()
        options.name_IDs = list(KEEP_NAME_IDS)
        options.notdef_outline = True
        options.hinting = False
        options.desubroutinize = True
        options.flavor = spec.flavor
        sub = ft_subset.Subsetter(options)
        sub.populate(unicodes=[ord(c) for c in spec.chars])
        sub.subset(font)
        font.flavor = spec.flavor
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    except (OSError, ValueError, KeyError, AssertionError, ImportError) as e:
        raise CannotMake(f"cannot subset the CJK font ({e})") from None


@functools.cache
def unicode_range() -> str:
    return ",".join(f"U+{lo:X}-{hi:X}" for lo, hi in CJK_RANGES)


def font_face_css(url: str, face: int, flavor_: str) -> str:
    """The @font-face rule of the subset at `url` (already under the base path; it holds no quote)."""
    local = ",".join(f'local("{name}")' for name in LOCAL_NAMES.get(face, LOCAL_NAMES[2]))
    return (f'@font-face{{font-family:"{FAMILY}";src:{local},url("{url}") format("{flavor_}");'
            f"unicode-range:{unicode_range()};font-display:swap}}")
