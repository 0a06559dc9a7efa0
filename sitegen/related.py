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
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.config import RelatedConfig
from sitegen.model import Brief, RelatedLink

SIGNALS = ("tags", "audience", "source", "text")
MEANINGFUL = ("tags", "text")
"""A pair must share at least one of these to be related at all."""
WINDOW = 8
"""Posting-list neighbours visited on each side of a brief (nearest in time)."""
QUERY_TERMS = 12
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


def _features(b: Brief) -> dict[str, Counter[str]]:
    return {
        "tags": Counter(t.casefold() for t in b.tags),
        "audience": Counter(a.casefold() for a in b.audience),
        "source": Counter([b.source.name.casefold()]),
        "text": Counter(tokenize(b.title + " " + b.summary)),
    }


@dataclass(frozen=True)
class Candidate:
    slug: str
    score: float
    parts: tuple[tuple[str, float], ...]
    """Weighted contribution of each signal before the time factor."""
    time_factor: float
    later: bool


class RelatedIndex:
    """Vectors and posting lists for one set of briefs (built once per build)."""

    def __init__(self, briefs: Sequence[Brief], config: RelatedConfig):
        self.config = config
        # Oldest first, so every posting list is sorted by date without sorting it.
        self.briefs = sorted(briefs, key=lambda b: (b.date.timestamp(), b.slug))
        self.position = {b.slug: i for i, b in enumerate(self.briefs)}
        self.days = [b.date.timestamp() / 86400.0 for b in self.briefs]
        n = len(self.briefs)
        feats = [_features(b) for b in self.briefs]
        df: Counter[tuple[str, str]] = Counter()
        for f in feats:
            for sig in SIGNALS:
                df.update((sig, t) for t in f[sig])
        # Probabilistic IDF (as in BM25), floored at 0: a term on half the briefs or more
        # says nothing and is dropped, so it can neither find nor rank a neighbour.
        idf = {key: max(0.0, math.log((n - count + 0.5) / (count + 0.5))) for key, count in df.items()}
        # vectors[i][sig] = {term: normalised weight}
        self.vectors: list[dict[str, dict[str, float]]] = []
        postings_idx: dict[tuple[str, str], list[int]] = defaultdict(list)
        postings_val: dict[tuple[str, str], list[float]] = defaultdict(list)
        for i, f in enumerate(feats):
            vec: dict[str, dict[str, float]] = {}
            for sig in SIGNALS:
                raw = {t: (1.0 + math.log(c)) * idf[(sig, t)] for t, c in f[sig].items() if idf[(sig, t)] > 0}
                norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
                vec[sig] = {t: v / norm for t, v in raw.items()}
                for t, v in vec[sig].items():
                    postings_idx[(sig, t)].append(i)
                    postings_val[(sig, t)].append(v)
            self.vectors.append(vec)
        self.postings_idx = dict(postings_idx)
        self.postings_val = dict(postings_val)
        self.weights = {sig: config.weight(sig) for sig in SIGNALS}
        self.w_time = min(max(config.weight("time"), 0.0), 1.0)

    def time_factor(self, i: int, j: int) -> float:
        half_life = self.config.half_life_days
        decay = 0.5 ** (abs(self.days[i] - self.days[j]) / half_life) if half_life > 0 else 1.0
        return (1.0 - self.w_time) + self.w_time * decay

    def exact(self, i: int, j: int) -> Candidate:
        a, b = self.vectors[i], self.vectors[j]
        parts = []
        for sig in SIGNALS:
            va, vb = a[sig], b[sig]
            if len(vb) < len(va):
                va, vb = vb, va
            cos = sum(v * vb[t] for t, v in va.items() if t in vb)
            parts.append((sig, self.weights[sig] * cos))
        shares = any(a[s].keys() & b[s].keys() for s in MEANINGFUL)
        factor = self.time_factor(i, j)
        score = sum(p for _, p in parts) * factor if shares else 0.0
        later = self.briefs[j].date > self.briefs[i].date
        return Candidate(self.briefs[j].slug, score, tuple(parts), factor, later)

    def candidates(self, i: int, limit: int) -> list[Candidate]:
        """The `limit` best-scoring other briefs, exactly scored, best first."""
        acc: dict[int, float] = defaultdict(float)
        vec = self.vectors[i]
        for sig in SIGNALS:
            terms = vec[sig].items()
            if sig == "text" and len(vec[sig]) > QUERY_TERMS:
                terms = heapq.nlargest(QUERY_TERMS, terms, key=lambda kv: kv[1])
            w = self.weights[sig]
            for t, v in terms:
                idx = self.postings_idx[(sig, t)]
                if len(idx) == 1:
                    continue
                vals = self.postings_val[(sig, t)]
                pos = bisect.bisect_left(idx, i)
                for k in range(max(0, pos - WINDOW), min(len(idx), pos + WINDOW + 1)):
                    j = idx[k]
                    if j != i:
                        acc[j] += w * v * vals[k]
        if not acc:
            return []
        shortlist = heapq.nlargest(limit * 3, acc, key=lambda j: (acc[j] * self.time_factor(i, j), j))
        exact = [self.exact(i, j) for j in shortlist]
        exact.sort(key=lambda c: (-c.score, -self.days[self.position[c.slug]], c.slug))
        return exact[:limit]


def compute_related(briefs: Sequence[Brief], config: RelatedConfig) -> dict[str, tuple[RelatedLink, ...]]:
    """slug -> pinned related briefs first, then automatic ones above the threshold."""
    index = RelatedIndex(briefs, config)
    by_slug = {b.slug: b for b in briefs}
    result: dict[str, tuple[RelatedLink, ...]] = {}
    for i, b in enumerate(index.briefs):
        links = [RelatedLink(s, by_slug[s].date > b.date, True) for s in dict.fromkeys(b.related) if s in by_slug]
        taken = {b.slug, *(link.slug for link in links)}
        if len(links) < config.count:
            for c in index.candidates(i, config.count + len(links)):
                if len(links) >= config.count:
                    break
                if c.score >= config.threshold and c.slug not in taken:
                    links.append(RelatedLink(c.slug, c.later))
                    taken.add(c.slug)
        result[b.slug] = tuple(links[: config.count])
    return result
