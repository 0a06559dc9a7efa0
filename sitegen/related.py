"""Related updates: weighted signals over an inverted index, never all pairs.

Each brief becomes one sparse vector per signal (tags, audience, source, text), each
term weighted by its rarity (IDF: a tag on half the site or more says nothing and is
dropped) and normalised,
so each signal's similarity is a cosine in [0, 1]. The score of a pair is

    (Σ weight[signal] · cosine[signal]) · time_factor

with time_factor = (1 - w_time) + w_time · 0.5^(|Δdays| / half_life): closeness in time
amplifies a real similarity but cannot create one. Pairs that share neither a tag nor a
distinctive word never qualify, and scores under the threshold are dropped, so a brief
with nothing meaningful in common gets no "Related updates" at all.

Candidates come from posting lists (term → briefs, in date order): for each term we
visit only the `WINDOW` nearest briefs in time, so the work per brief is bounded and
100,000 briefs take seconds. The best candidates are then re-scored exactly.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import heapq
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sitegen.config import RelatedConfig
from sitegen.model import Brief, RelatedLink
from sitegen.parallel import map_ordered

SIGNALS = ("tags", "audience", "source", "text")
MEANINGFUL = ("tags", "text")
"""A pair must share at least one of these to be related at all."""
WINDOW = 4
"""Posting-list neighbours visited on each side of a brief (nearest in time)."""
QUERY_TERMS = 10
"""Most distinctive words of a brief used to find candidates (all words are scored)."""

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


def _terms(b: Brief) -> tuple[tuple[str, ...], ...]:
    """The raw terms of each signal, in SIGNALS order (runs in worker processes)."""
    return (
        tuple(t.casefold() for t in b.tags),
        tuple(a.casefold() for a in b.audience),
        (b.source.name.casefold(),),
        tuple(tokenize(b.title + " " + b.summary)),
    )


@dataclass(frozen=True)
class Candidate:
    slug: str
    score: float
    parts: tuple[tuple[str, float], ...]
    """Weighted contribution of each signal before the time factor."""
    time_factor: float
    later: bool


class RelatedIndex:
    """Vectors and posting lists for one set of briefs (built once per build).

    Terms are small integers; `sig_of[term]` says which signal a term belongs to.
    """

    def __init__(self, briefs: Sequence[Brief], config: RelatedConfig, jobs: int | None = None):
        self.config = config
        # Oldest first, so every posting list is sorted by date without sorting it.
        self.briefs = sorted(briefs, key=lambda b: (b.date.timestamp(), b.slug))
        self.position = {b.slug: i for i, b in enumerate(self.briefs)}
        self.days = [b.date.timestamp() / 86400.0 for b in self.briefs]
        n = len(self.briefs)
        ids: dict[tuple[int, str], int] = {}
        sig_of: list[int] = []
        df: list[int] = []
        counts_per_brief: list[dict[int, int]] = []
        for per_signal in map_ordered(_terms, self.briefs, jobs):
            counts: dict[int, int] = {}
            for sig, terms in enumerate(per_signal):
                for t in terms:
                    tid = ids.get((sig, t))
                    if tid is None:
                        tid = ids[(sig, t)] = len(sig_of)
                        sig_of.append(sig)
                        df.append(0)
                    counts[tid] = counts.get(tid, 0) + 1
            for tid in counts:
                df[tid] += 1
            counts_per_brief.append(counts)
        # Probabilistic IDF (as in BM25), floored at 0: a term on half the briefs or more
        # says nothing and is dropped, so it can neither find nor rank a neighbour.
        idf = [max(0.0, math.log((n - d + 0.5) / (d + 0.5))) for d in df]
        self.sig_of = sig_of
        self.vectors: list[dict[int, float]] = []
        postings_idx: list[list[int]] = [[] for _ in df]
        postings_val: list[list[float]] = [[] for _ in df]
        for i, counts in enumerate(counts_per_brief):
            raw: dict[int, float] = {}
            norms = [0.0] * len(SIGNALS)
            for tid, c in counts.items():
                w = idf[tid]
                if w > 0.0:
                    if c > 1:
                        w *= 1.0 + math.log(c)
                    raw[tid] = w
                    norms[sig_of[tid]] += w * w
            roots = [math.sqrt(x) or 1.0 for x in norms]
            vec = {tid: w / roots[sig_of[tid]] for tid, w in raw.items()}
            for tid, v in vec.items():
                postings_idx[tid].append(i)
                postings_val[tid].append(v)
            self.vectors.append(vec)
        self.postings_idx = postings_idx
        self.postings_val = postings_val
        self.weights = [config.weight(sig) for sig in SIGNALS]
        self.meaningful = {SIGNALS.index(s) for s in MEANINGFUL}
        self.w_time = min(max(config.weight("time"), 0.0), 1.0)

    def time_factor(self, i: int, j: int) -> float:
        half_life = self.config.half_life_days
        decay = 0.5 ** (abs(self.days[i] - self.days[j]) / half_life) if half_life > 0 else 1.0
        return (1.0 - self.w_time) + self.w_time * decay

    def exact(self, i: int, j: int) -> Candidate:
        a, b = self.vectors[i], self.vectors[j]
        if len(b) < len(a):
            a, b = b, a
        parts = [0.0] * len(SIGNALS)
        shares = False
        sig_of = self.sig_of
        for tid, v in a.items():
            other = b.get(tid)
            if other is not None:
                sig = sig_of[tid]
                parts[sig] += v * other
                shares = shares or sig in self.meaningful
        weighted = tuple((SIGNALS[k], self.weights[k] * p) for k, p in enumerate(parts))
        factor = self.time_factor(i, j)
        score = sum(p for _, p in weighted) * factor if shares else 0.0
        later = self.days[j] > self.days[i]
        return Candidate(self.briefs[j].slug, score, weighted, factor, later)

    def candidates(self, i: int, limit: int) -> list[Candidate]:
        """The `limit` best-scoring other briefs, exactly scored, best first."""
        acc: dict[int, float] = {}
        vec = self.vectors[i]
        text = SIGNALS.index("text")
        query = [(tid, v) for tid, v in vec.items() if self.sig_of[tid] in self.meaningful]
        words = [kv for kv in query if self.sig_of[kv[0]] == text]
        if len(words) > QUERY_TERMS:
            keep = set(heapq.nlargest(QUERY_TERMS, words, key=lambda kv: kv[1]))
            query = [kv for kv in query if self.sig_of[kv[0]] != text or kv in keep]
        for tid, v in query:
            idx = self.postings_idx[tid]
            if len(idx) == 1:
                continue
            vals = self.postings_val[tid]
            wv = self.weights[self.sig_of[tid]] * v
            pos = bisect.bisect_left(idx, i)
            for k in range(max(0, pos - WINDOW), min(len(idx), pos + WINDOW + 1)):
                j = idx[k]
                if j != i:
                    acc[j] = acc.get(j, 0.0) + wv * vals[k]
        if not acc:
            return []
        # Shortlist on the accumulated similarity, then rank exactly (all signals, time).
        shortlist = heapq.nlargest(limit + 3, acc.items(), key=lambda kv: (kv[1], kv[0]))
        exact = [self.exact(i, j) for j, _ in shortlist]
        exact.sort(key=lambda c: (-c.score, -self.days[self.position[c.slug]], c.slug))
        return exact[:limit]

    def links(self, i: int) -> tuple[RelatedLink, ...]:
        """Pinned related briefs first, then automatic ones above the threshold."""
        config = self.config
        b = self.briefs[i]
        links = [RelatedLink(s, self.days[self.position[s]] > self.days[i], True)
                 for s in dict.fromkeys(b.related) if s in self.position]
        taken = {b.slug, *(link.slug for link in links)}
        if len(links) < config.count:
            for c in self.candidates(i, config.count + len(links)):
                if len(links) >= config.count:
                    break
                if c.score >= config.threshold and c.slug not in taken:
                    links.append(RelatedLink(c.slug, c.later))
                    taken.add(c.slug)
        return tuple(links[: config.count])


def compute_related(briefs: Sequence[Brief], config: RelatedConfig,
                    jobs: int | None = None) -> dict[str, tuple[RelatedLink, ...]]:
    """slug -> pinned related briefs first, then automatic ones above the threshold."""
    with _gc_paused():
        index = RelatedIndex(briefs, config, jobs)
        links = map_ordered(index.links, range(len(index.briefs)), jobs)
        return {b.slug: result for b, result in zip(index.briefs, links)}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Scoring allocates millions of short-lived, acyclic objects next to a large live
    heap; the cyclic collector would rescan that heap again and again (2x slower at 100k)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
