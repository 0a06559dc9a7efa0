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

from sitegen.model import Brief

_STOPWORDS = frozenset("""
a an and are as at be but by for from has have in into is it its of on or that the their this to
was were will with after over new not more than up out how why what who says said amid about
""".split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def tokenize(text: str) -> list[str]:
    """Normalised words: NFKC + casefold; CJK runs become character bigrams."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(text)
    if _CJK.search(text):
        words = [part for word in words for part in _split_cjk(word)]
    return [w for w in words if len(w) > 1 and w not in _STOPWORDS and not w.isdigit()]


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


def brief_terms(b: Brief) -> tuple[dict[str, int], ...]:
    """Each signal's terms and how often they occur, in SIGNALS order and first-occurrence
    order (runs in worker processes)."""
    title = tokenize(b.title)
    return (
        dict(Counter(t.casefold() for t in b.tags)),
        dict(Counter(a.casefold() for a in b.audience)),
        {b.source.name.casefold(): 1},
        dict(Counter(title * TITLE_COUNT + tokenize(" ".join((b.summary, *b.tags))))),
    )


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


def count_terms(per_signal: tuple[dict[str, int], ...], ids: list[dict[str, int]],
                sig_of: list[int]) -> dict[int, int]:
    """Term id -> occurrences in one brief, in first-occurrence order (new terms get new ids;
    `ids` holds one table a signal)."""
    counts: dict[int, int] = {}
    for sig, terms in enumerate(per_signal):
        table = ids[sig]
        for t, c in terms.items():
            tid = table.get(t)
            if tid is None:
                tid = table[t] = len(sig_of)
                sig_of.append(sig)
            counts[tid] = c
    return counts


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
