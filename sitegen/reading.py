"""Reading time: words for scripts that separate words with spaces, characters for CJK.

Rates are those usually quoted for adult readers of screen text: about 230 words a minute in
alphabetic scripts, and about 400 characters a minute in Chinese and Japanese (Korean Hangul is
written with spaces, so it is counted by words). A brief always takes at least one minute.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

WORDS_PER_MINUTE = 230
CJK_CHARS_PER_MINUTE = 400

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_TAG = re.compile(r"<[^>]*>")


def count(text: str) -> tuple[int, int]:
    """(words, CJK characters) in `text`; HTML tags are not read, CJK runs are not words."""
    plain = _TAG.sub(" ", text)
    cjk = len(_CJK.findall(plain))
    words = len(_WORD.findall(_CJK.sub(" ", plain)))
    return words, cjk


def reading_minutes(texts: Iterable[str]) -> int:
    words = chars = 0
    for text in texts:
        w, c = count(text)
        words, chars = words + w, chars + c
    return max(1, math.ceil(words / WORDS_PER_MINUTE + chars / CJK_CHARS_PER_MINUTE - 1e-9))
