"""The terms of a brief and their weights: tokenising, IDF, normalised term vectors.

Each brief becomes one sparse vector per signal (tags, audience, source, text), each
term weighted by its rarity (a smoothed IDF that stays positive, so a new site of four
briefs still relates them) and divided by the vector's norm, or by ln 2 when the norm is
smaller (a brief whose terms are all common cannot reach full similarity), so each
signal's similarity is in [0, 1].
"""

from __future__ import annotations

import math
import re
import unicodedata

from sitegen.config import SIGNALS
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
    tokens: list[str] = []
    for word in _WORD.findall(text):
        for part in _split_cjk(word):
            if len(part) > 1 and part not in _STOPWORDS and not part.isdigit():
                tokens.append(part)
    return tokens


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


def brief_terms(b: Brief) -> tuple[tuple[str, ...], ...]:
    """The raw terms of each signal, in SIGNALS order (runs in worker processes)."""
    return (
        tuple(t.casefold() for t in b.tags),
        tuple(a.casefold() for a in b.audience),
        (b.source.name.casefold(),),
        tuple(tokenize(b.title + " " + b.summary)),
    )


def same_terms(a: Brief, b: Brief) -> bool:
    """Whether two versions of a brief have the same terms (all that `brief_terms` reads)."""
    return (a.title == b.title and a.summary == b.summary and a.tags == b.tags
            and a.audience == b.audience and a.source.name == b.source.name)


FLOOR_NORM = math.log(2.0)
"""The least norm a signal's vector is divided by: the weight of a term on half the briefs."""


def idf_weight(n: int, df: int) -> float:
    """Smoothed IDF, as Lucene's BM25: ln(1 + (n - df + 0.5) / (df + 0.5)).

    Always positive, so on a small site, where every shared term is on half the briefs or
    more, shared terms still count; ln 2 at df = n/2, near 1/n for a term on every brief."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def count_terms(per_signal: tuple[tuple[str, ...], ...], ids: dict[tuple[int, str], int],
                sig_of: list[int]) -> dict[int, int]:
    """Term id -> occurrences in one brief, in first-occurrence order (new terms get new ids)."""
    counts: dict[int, int] = {}
    for sig, terms in enumerate(per_signal):
        for t in terms:
            tid = ids.get((sig, t))
            if tid is None:
                tid = ids[(sig, t)] = len(sig_of)
                sig_of.append(sig)
            counts[tid] = counts.get(tid, 0) + 1
    return counts


def term_vector(counts: dict[int, int], idf: list[float], sig_of: list[int]) -> dict[int, float]:
    """One brief's weights, normalised per signal (iteration order is the counts' order)."""
    raw: dict[int, float] = {}
    norms = [0.0] * len(SIGNALS)
    for tid, c in counts.items():
        w = idf[tid]
        if w > 0.0:
            if c > 1:
                w *= 1.0 + math.log(c)
            raw[tid] = w
            norms[sig_of[tid]] += w * w
    # A vector of common terms only (norm under FLOOR_NORM) cannot reach a cosine of 1.
    roots = [max(math.sqrt(x), FLOOR_NORM) for x in norms]
    return {tid: w / roots[sig_of[tid]] for tid, w in raw.items()}
