"""The fonts sitegen draws and serves with, found in installed packages (never in this repository).

- Latin, Greek, Cyrillic: Noto Sans, a variable font (weights 100-900), from `fontpkg-noto-sans`.
- Chinese, Japanese, Korean: Noto Sans CJK Regular, one OpenType collection with a face per
  region (JP, KR, SC, TC, HK), from `noto-cjk-sans-otc`.

Both are under the SIL Open Font License 1.1. Social cards (socialcard.py) draw with them,
and the CJK web font (webfont.py) is subset from the collection. A missing package is not an
error here: the lookups return None and the callers say what they leave out.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
from dataclasses import dataclass
from pathlib import Path

LATIN_PACKAGE = ("fontpkg-noto-sans", "fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf")
CJK_PACKAGE = ("noto-cjk-sans-otc", "noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc")
"""(distribution, import package, font file inside it)."""

CJK_FACES = {"ja": 0, "ko": 1, "zh": 2, "zh-hans": 2, "zh-cn": 2, "zh-sg": 2, "zh-hant": 3, "zh-tw": 3,
             "zh-hk": 4, "zh-mo": 4}
"""BCP 47 language -> face of the CJK collection with that region's glyph forms (SC by default)."""
DEFAULT_CJK_FACE = 2

CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x2E80, 0x2FDF),    # CJK radicals, Kangxi radicals
    (0x2FF0, 0x303F),    # ideographic description, CJK symbols and punctuation
    (0x3040, 0x31FF),    # Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, strokes
    (0x3200, 0x4DBF),    # enclosed CJK, compatibility, CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xA960, 0xA97F),    # Hangul Jamo extended-A
    (0xAC00, 0xD7FF),    # Hangul syllables, Jamo extended-B
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0xFE30, 0xFE4F),    # CJK compatibility forms
    (0xFF00, 0xFFEF),    # half-width and full-width forms
    (0x20000, 0x3134F),  # extensions B-G
)
"""Code points a CJK font is needed for: where CJK text wraps by character, and the
unicode-range of the CJK web font."""


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1100 and any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def cjk_in(text: str) -> str:
    """The CJK characters of a text, sorted ('' at once for ASCII text)."""
    if text.isascii():
        return ""
    return "".join(sorted(ch for ch in set(text) if is_cjk(ch)))


@dataclass(frozen=True)
class FontFile:
    path: Path
    identity: str
    """'distribution version file': changes whenever the glyphs may (a cache key part)."""


def _locate(package: tuple[str, str, str]) -> FontFile | None:
    dist, module, name = package
    try:
        version = importlib.metadata.version(dist)
        path = Path(str(importlib.resources.files(module).joinpath(name)))
    except (ImportError, importlib.metadata.PackageNotFoundError, TypeError, ValueError, OSError):
        return None
    if not path.is_file():
        return None
    return FontFile(path, f"{dist} {version} {name}")


@functools.cache
def latin_font() -> FontFile | None:
    """Noto Sans (variable), or None when its package is not installed."""
    return _locate(LATIN_PACKAGE)


@functools.cache
def cjk_font() -> FontFile | None:
    """The Noto Sans CJK collection, or None when its package is not installed."""
    return _locate(CJK_PACKAGE)


def cjk_face(lang: str) -> int:
    """The face of the CJK collection for a language tag ('zh-TW' -> TC)."""
    tag = lang.strip().lower().replace("_", "-")
    while tag:
        if tag in CJK_FACES:
            return CJK_FACES[tag]
        tag = tag.rpartition("-")[0]
    return DEFAULT_CJK_FACE
