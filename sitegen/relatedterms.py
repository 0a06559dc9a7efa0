"""The terms of a brief and their weights: tokenising, IDF, normalised term vectors.

Each brief becomes one sparse vector over the terms of all signals (tags, audience, source,
text; the words of its tags count as text too, and title words twice). A term weighs its
squared smoothed IDF, which stays positive (a new site of four briefs still relates them)
and lets one specific shared term (a product, a company) outweigh many common ones. The
vector is divided by its norm, or by the weight of a term on half the briefs when the norm
is smaller (a brief whose terms are all common cannot reach full similarity), so the
similarity of two briefs is a cosine in [0, 1], split into one part per signal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import partial
from itertools import chain

from sitegen.model import Brief

_STOPWORDS = frozenset("""
a an and are as at be but by for from has have in into is it its of on or that the their this to
was were will with after over new not more than up out how why what who says said amid about
""".split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def tokenize(text: str) -> list[str]:
    """Normalised words: NFKC + casefold; CJK runs become character bigrams."""
    return [w for w in _words(text) if _is_term(w)]


def _words(text: str) -> list[str]:
    """`tokenize` before dropping stopwords, single letters and numbers."""
    if text.isascii():  # most text: NFKC changes no ASCII, casefold is lower, no CJK
        return _WORD.findall(text.lower())
    text = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(text)
    if _CJK.search(text):
        words = [part for word in words for part in _split_cjk(word)]
    return words


def _is_term(word: str) -> bool:
    return len(word) > 1 and word not in _STOPWORDS and not word.isdigit()


def _split_cjk(word: str) -> list[str]:
    if not _CJK.search(word):
        return [word]
    out: list[str] = []
    pos = 0
    for m in _CJK.finditer(word):
        if m.start() > pos:
            out.append(word[pos:m.start()])
        run = m.group()
        out += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
        pos = m.end()
    if pos < len(word):
        out.append(word[pos:])
    return out


TITLE_COUNT = 2
"""How many times a title word counts (the summary's and the tags' words count once)."""


NOT_A_TERM = -1
"""The id of a word that is never a term (a stopword, a single letter, a number)."""


class _Memo(dict):  # type: ignore[type-arg]
    """A dict that makes a missing value with `make(key)` and keeps it: looking up known
    keys with `map(memo.__getitem__, keys)` runs in C."""

    def __init__(self, make: Callable[[str], object]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> object:
        value = self[key] = self.make(key)
        return value


class TermCounter:
    """Term ids of one index (a table of names per signal; `sig_of[id]` is the id's signal),
    and each brief's terms counted with them.

    A brief's terms: its tags, audience and source by name; its text words, from the title
    (TITLE_COUNT times), the summary and the words of its tags, in first-occurrence order.
    New terms get the next id. Names as written, tags and the space-separated tokens of text
    are remembered with their ids, so most briefs' text is only split at spaces and looked up.
    """

    def __init__(self, signals: int, text: int):
        self.ids: list[dict[str, int]] = [{} for _ in range(signals)]
        """Each signal's table, name -> id (casefolded; words that are not terms: NOT_A_TERM)."""
        self.sig_of: list[int] = []
        self.text = text
        self._names = [_Memo(partial(self._name, sig)) for sig in range(signals)]
        """Each signal's names as written -> id."""
        self._tokens = _Memo(self._token)
        """A token of text (split at whitespace) -> the ids of its words."""
        self._tag_words = _Memo(self._token)
        """A tag -> the ids of its words."""

    def vocabulary(self) -> list[tuple[int, str]]:
        """(signal, name) of every id, in id order (names casefolded)."""
        out: list[tuple[int, str]] = [(-1, "")] * len(self.sig_of)
        for sig, table in enumerate(self.ids):
            for name, tid in table.items():
                if tid != NOT_A_TERM:
                    out[tid] = (sig, name)
        return out

    def intern(self, sig: int, name: str) -> int:
        """The id of a term of another counter's `vocabulary`, new if this one lacks it."""
        table = self.ids[sig]
        tid = table.get(name)
        if tid is None:
            tid = table[name] = len(self.sig_of)
            self.sig_of.append(sig)
        return tid

    def count(self, b: Brief) -> dict[int, int]:
        """Term id -> occurrences in b, signal by signal, in SIGNALS order."""
        # Ids of different signals never collide; counting keeps first-occurrence order.
        counts = Counter(self.term_ids(b))
        counts.pop(NOT_A_TERM, None)
        return counts

    def term_ids(self, b: Brief) -> list[int]:
        """The ids of b's terms, each as often as it occurs, in `count`'s order (NOT_A_TERM
        for a word that is not a term)."""
        # Text split at whitespace first gives the same words as `_words` of the whole text:
        # no word, NFKC composition or CJK run crosses a space (tests/test_related.py).
        tags, audience, source = self._names[:3]
        tokens = self._tokens.__getitem__
        ids = [*map(tags.__getitem__, b.tags), *map(audience.__getitem__, b.audience), source[b.source.name]]
        title = list(chain.from_iterable(map(tokens, b.title.split())))
        for _ in range(TITLE_COUNT):
            ids += title
        ids += chain.from_iterable(map(tokens, b.summary.split()))
        ids += chain.from_iterable(map(self._tag_words.__getitem__, b.tags))
        return ids

    def _token(self, token: str) -> list[int]:
        return [self._word(w) for w in _words(token)]

    def _name(self, sig: int, name: str) -> int:
        key = name.casefold()
        table = self.ids[sig]
        tid = table.get(key)
        if tid is None:
            tid = table[key] = len(self.sig_of)
            self.sig_of.append(sig)
        return tid

    def _word(self, word: str) -> int:
        table = self.ids[self.text]
        tid = table.get(word)
        if tid is None:
            if _is_term(word):
                tid = len(self.sig_of)
                self.sig_of.append(self.text)
            else:
                tid = NOT_A_TERM
            table[word] = tid
        return tid


def same_terms(a: Brief, b: Brief) -> bool:
    """Whether two versions of a brief have the same terms (all that `brief_terms` reads)."""
    return (a.title == b.title and a.summary == b.summary and a.tags == b.tags
            and a.audience == b.audience and a.source.name == b.source.name)


def idf_weight(n: int, df: int) -> float:
    """The weight of a term on df of n briefs: the smoothed IDF of Lucene's BM25, squared,
    ln(1 + (n - df + 0.5) / (df + 0.5))², and 0 for a term on one brief alone.

    Always positive for a shared term, so on a small site, where every shared term is on
    half the briefs or more, shared terms still count: (ln 2)² at df = n/2, about 1/n² for
    a term on every brief. Squared, so that on a big site one shared rare term (df 5 of
    10,000: 56) says more than a handful of common ones (df 1,000 of 10,000: 5.3 each). A
    term no other brief has can relate a brief to nothing, and would only dilute the terms
    it does share."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5)) ** 2 if df > 1 else 0.0


FLOOR_NORM = idf_weight(4, 2)
"""The least norm a vector is divided by: the weight of a term on half the briefs, (ln 2)²."""


def term_vector(counts: dict[int, int], idf: list[float]) -> dict[int, float]:
    """One brief's weights, (1 + ln tf) * idf_weight, normalised over all its signals
    together (iteration order is the counts' order)."""
    raw: dict[int, float] = {}
    norm = 0.0
    for tid, c in counts.items():
        w = idf[tid]
        if w > 0.0:
            if c > 1:
                w *= 1.0 + math.log(c)
            raw[tid] = w
            norm += w * w
    # A vector of common terms only (norm under FLOOR_NORM) cannot reach a cosine of 1.
    root = max(math.sqrt(norm), FLOOR_NORM)
    return {tid: w / root for tid, w in raw.items()}
