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

For the live preview, `update_related` keeps the index between builds and, after an edit,
updates it in place and re-links only the briefs whose links could have changed; its result
is always exactly `compute_related`'s (see RelatedState).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitegen import collector
from sitegen.config import SIGNALS, TIME_SIGNAL, RelatedConfig
from sitegen.model import Brief, RelatedLink
from sitegen.parallel import map_ordered

MEANINGFUL = ("tags", "text")
"""A pair must share at least one of these to be related at all."""
WINDOW = 4
"""Posting-list neighbours visited on each side of a brief (nearest in time)."""
QUERY_TERMS = 10
"""Most distinctive words of a brief used to find candidates (all words are scored)."""
REBUILD_SHARE = 0.2
"""update_related builds afresh instead of re-linking more than this share of the briefs:
past that, drift has spread (many briefs re-worded) and a fresh build, which resets it, is
about as cheap and makes the next edits cheap again."""

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


def _idf(n: int, df: int) -> float:
    """Probabilistic IDF (as in BM25), floored at 0: a term on half the briefs or more
    says nothing and is dropped, so it can neither find nor rank a neighbour."""
    return max(0.0, math.log((n - df + 0.5) / (df + 0.5)))


def _count(per_signal: tuple[tuple[str, ...], ...], ids: dict[tuple[int, str], int],
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


def _vector(counts: dict[int, int], idf: list[float], sig_of: list[int]) -> dict[int, float]:
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
    roots = [math.sqrt(x) or 1.0 for x in norms]
    return {tid: w / roots[sig_of[tid]] for tid, w in raw.items()}


@dataclass(frozen=True)
class _Trace:
    """One brief's links, and what its float decisions depended on (for RelatedState)."""

    links: tuple[RelatedLink, ...]
    query: tuple[int, ...] | None
    """The terms it looked for neighbours with; None if pins alone filled the links."""
    seen: tuple[int, ...]
    """Positions the posting-list windows reached."""
    shortlist: tuple[int, ...]
    """Positions that were scored exactly."""
    acc_gap: float
    """Half the accumulated-similarity gap at the shortlist cut (inf: nothing was cut)."""
    comparisons: tuple[tuple[float, int, int], ...]
    """(gap, a, b): the exact score of brief a exceeded that of b by gap, b = -1 for the
    threshold (gap = score - threshold, or threshold - score for one below it)."""


class RelatedIndex:
    """Vectors and posting lists for one set of briefs (built once per build).

    Terms are small integers; `sig_of[term]` says which signal a term belongs to.
    Nothing depends on the numbering of terms, only on which brief holds which term,
    so terms first seen in an edit can simply take the next free number.
    """

    def __init__(self, briefs: Sequence[Brief], config: RelatedConfig, workers: int | None = None):
        self.config = config
        # Oldest first, so every posting list is sorted by date without sorting it.
        self.briefs = sorted(briefs, key=lambda b: (b.date.timestamp(), b.slug))
        self.position = {b.slug: i for i, b in enumerate(self.briefs)}
        self.days = [b.date.timestamp() / 86400.0 for b in self.briefs]
        n = len(self.briefs)
        self.ids: dict[tuple[int, str], int] = {}
        self.sig_of: list[int] = []
        self.df: list[int] = []
        self.counts: list[dict[int, int]] = []
        for per_signal in map_ordered(_terms, self.briefs, workers):
            counts = _count(per_signal, self.ids, self.sig_of)
            self.df += [0] * (len(self.sig_of) - len(self.df))
            for tid in counts:
                self.df[tid] += 1
            self.counts.append(counts)
        self.idf = [_idf(n, d) for d in self.df]
        self.vectors: list[dict[int, float]] = []
        postings_idx: list[list[int]] = [[] for _ in self.df]
        postings_val: list[list[float]] = [[] for _ in self.df]
        for i, counts in enumerate(self.counts):
            vec = _vector(counts, self.idf, self.sig_of)
            for tid, v in vec.items():
                postings_idx[tid].append(i)
                postings_val[tid].append(v)
            self.vectors.append(vec)
        self.postings_idx = postings_idx
        self.postings_val = postings_val
        self.weights = [config.weight(sig) for sig in SIGNALS]
        self.meaningful = {SIGNALS.index(s) for s in MEANINGFUL}
        self.w_time = min(max(config.weight(TIME_SIGNAL), 0.0), 1.0)

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

    def query(self, vec: dict[int, float]) -> list[tuple[int, float]]:
        """The terms a brief looks for neighbours with: its tags and its most distinctive words."""
        text = SIGNALS.index("text")
        query = [(tid, v) for tid, v in vec.items() if self.sig_of[tid] in self.meaningful]
        words = [kv for kv in query if self.sig_of[kv[0]] == text]
        if len(words) > QUERY_TERMS:
            keep = set(heapq.nlargest(QUERY_TERMS, words, key=lambda kv: kv[1]))
            query = [kv for kv in query if self.sig_of[kv[0]] != text or kv in keep]
        return query

    def accumulate(self, i: int, query: list[tuple[int, float]]) -> dict[int, float]:
        """Approximate similarity to the briefs nearest in time on each query term's posting list."""
        acc: dict[int, float] = {}
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
        return acc

    def ranked(self, i: int, shortlist: Sequence[int]) -> list[Candidate]:
        """The shortlist scored exactly, best first; ties go to the newer brief, then the slug."""
        exact = [self.exact(i, j) for j in shortlist]
        exact.sort(key=lambda c: (-c.score, -self.days[self.position[c.slug]], c.slug))
        return exact

    def candidates(self, i: int, limit: int) -> list[Candidate]:
        """The `limit` best-scoring other briefs, exactly scored, best first."""
        acc = self.accumulate(i, self.query(self.vectors[i]))
        if not acc:
            return []
        # Shortlist on the accumulated similarity, then rank exactly (all signals, time).
        shortlist = heapq.nlargest(limit + 3, acc.items(), key=lambda kv: (kv[1], kv[0]))
        return self.ranked(i, [j for j, _ in shortlist])[:limit]

    def pinned(self, i: int) -> list[RelatedLink]:
        b = self.briefs[i]
        return [RelatedLink(s, self.days[self.position[s]] > self.days[i], True)
                for s in dict.fromkeys(b.related) if s in self.position]

    def pick(self, i: int, links: list[RelatedLink], candidates: list[Candidate]) -> tuple[RelatedLink, ...]:
        """Pinned links, then candidates above the threshold, up to the count."""
        config = self.config
        taken = {self.briefs[i].slug, *(link.slug for link in links)}
        for c in candidates:
            if len(links) >= config.count:
                break
            if c.score >= config.threshold and c.slug not in taken:
                links.append(RelatedLink(c.slug, c.later))
                taken.add(c.slug)
        return tuple(links[: config.count])

    def links(self, i: int) -> tuple[RelatedLink, ...]:
        """Pinned related briefs first, then automatic ones above the threshold."""
        links = self.pinned(i)
        if len(links) >= self.config.count:
            return tuple(links[: self.config.count])
        return self.pick(i, links, self.candidates(i, self.config.count + len(links)))

    def traced(self, i: int) -> _Trace:
        """`links(i)`, computed the same way, plus what its float decisions depended on."""
        links = self.pinned(i)
        limit = self.config.count + len(links)
        if len(links) >= self.config.count:
            return _Trace(tuple(links[: self.config.count]), None, (), (), math.inf, ())
        query = self.query(self.vectors[i])
        acc = self.accumulate(i, query)
        terms = tuple(tid for tid, _ in query)
        if not acc:
            return _Trace(self.pick(i, links, []), terms, (), (), math.inf, ())
        # One more than the shortlist, to see the gap at the cut; the shortlist is unchanged.
        top = heapq.nlargest(limit + 4, acc.items(), key=lambda kv: (kv[1], kv[0]))
        shortlist = tuple(j for j, _ in top[: limit + 3])
        acc_gap = (top[limit + 2][1] - top[limit + 3][1]) / 2 if len(top) > limit + 3 else math.inf
        ranked = self.ranked(i, shortlist)
        comparisons = _comparisons([(self.position[c.slug], c.score) for c in ranked], limit, self.config.threshold)
        return _Trace(self.pick(i, links, ranked[:limit]), terms, tuple(acc), shortlist, _not_nan(acc_gap),
                      comparisons)

    # Incremental maintenance, for RelatedState: same operations in the same order as
    # __init__, so every vector and posting value is bit-identical to a fresh build.

    def retokenise(self, edited: Sequence[int]) -> dict[int, dict[int, float]]:
        """Re-count the terms of the edited briefs (already in self.briefs) and re-weight every
        brief whose vector that changes: the edited ones and all holders of a term whose IDF
        moved. Returns their previous vectors; posting lists are left to `repost`."""
        n = len(self.briefs)
        delta: dict[int, int] = {}
        for i in edited:
            for tid in self.counts[i]:
                delta[tid] = delta.get(tid, 0) - 1
            self.counts[i] = _count(_terms(self.briefs[i]), self.ids, self.sig_of)
            for tid in self.counts[i]:
                delta[tid] = delta.get(tid, 0) + 1
        grow = len(self.sig_of) - len(self.df)
        self.df += [0] * grow
        self.idf += [0.0] * grow
        self.postings_idx += [[] for _ in range(grow)]
        self.postings_val += [[] for _ in range(grow)]
        stale = set(edited)
        for tid, d in delta.items():
            before = self.df[tid]
            self.df[tid] += d
            idf = _idf(n, self.df[tid])
            if d == 0 or idf == self.idf[tid]:
                continue
            if before:  # held by briefs other than the edited ones too
                stale.update(self.postings_idx[tid] if self.idf[tid] > 0.0
                             else (j for j, c in enumerate(self.counts) if tid in c))
            self.idf[tid] = idf
        old = {}
        for j in sorted(stale):
            old[j] = self.vectors[j]
            self.vectors[j] = _vector(self.counts[j], self.idf, self.sig_of)
        return old

    def repost(self, old: dict[int, dict[int, float]], moved: set[int]) -> set[int]:
        """Bring the posting lists up to the new vectors. `moved` briefs may have gained or
        lost terms (entries come and go); the others in `old` only changed values. Returns the
        briefs within WINDOW of a moved brief on a query-able list, before or after the move:
        the windows that can see a change of membership."""
        near: set[int] = set()
        self._near(old, moved, near)
        for m in moved:
            for tid in old[m]:
                idx = self.postings_idx[tid]
                k = bisect.bisect_left(idx, m)
                del idx[k], self.postings_val[tid][k]
        for m in moved:
            for tid, v in self.vectors[m].items():
                idx = self.postings_idx[tid]
                k = bisect.bisect_left(idx, m)
                idx.insert(k, m)
                self.postings_val[tid].insert(k, v)
        self._near(self.vectors, moved, near)
        for j, before in old.items():
            if j not in moved:
                for tid, v in self.vectors[j].items():
                    if v != before[tid]:
                        self.postings_val[tid][bisect.bisect_left(self.postings_idx[tid], j)] = v
        return near

    def _near(self, vectors: Mapping[int, dict[int, float]] | Sequence[dict[int, float]], moved: set[int],
              near: set[int]) -> None:
        for m in moved:
            for tid in vectors[m]:
                if self.sig_of[tid] in self.meaningful:
                    idx = self.postings_idx[tid]
                    k = bisect.bisect_left(idx, m)
                    near.update(idx[max(0, k - WINDOW): k + WINDOW + 1])

    def distance(self, vec: dict[int, float], ref: dict[int, float]) -> float:
        """Sum over signals of |weight| * Euclidean distance (same terms in both); never 0
        for different vectors, even when the difference underflows or weighs nothing."""
        squares = [0.0] * len(SIGNALS)
        for tid, v in vec.items():
            d = v - ref[tid]
            squares[self.sig_of[tid]] += d * d
        total = sum(abs(w) * math.sqrt(x) for w, x in zip(self.weights, squares) if x)
        return total if total > 0.0 else (math.inf if total != total else 5e-324)


def compute_related(briefs: Sequence[Brief], config: RelatedConfig,
                    workers: int | None = None) -> dict[str, tuple[RelatedLink, ...]]:
    """slug -> pinned related briefs first, then automatic ones above the threshold."""
    # Scoring allocates millions of short-lived, acyclic objects next to a large live heap:
    # without the pause the cyclic collector rescans that heap again and again (2x slower at 100k).
    with collector.paused():
        index = RelatedIndex(briefs, config, workers)
        links = map_ordered(index.links, range(len(index.briefs)), workers)
        return {b.slug: result for b, result in zip(index.briefs, links)}


def update_related(briefs: Sequence[Brief], config: RelatedConfig, previous: RelatedState | None,
                   workers: int | None = None) -> tuple[dict[str, tuple[RelatedLink, ...]], RelatedState]:
    """Same result as compute_related(briefs, config, workers), reusing `previous` where that is exact.

    `previous` is updated in place and returned (keep only the latest state). Anything that
    moves briefs in date order or changes n (a brief added or removed, a date changed, another
    config) rebuilds from scratch; so does a state left half-updated by an exception. `workers`
    applies to such builds: re-linking after an edit stays in this process (forking workers
    costs more than the few hundred briefs they would share).
    """
    with collector.paused():  # as in compute_related
        if previous is None or not previous.advance(briefs, config):
            previous = RelatedState.build(briefs, config, workers)
        return dict(previous.result), previous


class RelatedState:
    """Everything `update_related` keeps between calls.

    Re-wording one brief changes the IDF of its words, which re-normalises the vector of
    every brief using one of them: on a real corpus thousands of briefs, whose posting-list
    windows reach nearly every brief. But each of those vectors moves very little, and links
    are discrete: they change only if a float comparison (the shortlist cut, the order of
    the exact scores, the threshold) goes the other way. So each brief keeps the gaps of its
    comparisons (`_Trace`) and keeps its links while the compared values provably cannot have
    moved by as much.

    The bound: vectors have unit norm per signal, so by Cauchy-Schwarz an exact score or an
    accumulated similarity of the pair (i, j) moves by at most drift(i) + drift(j), with
    drift(b) = sum over signals of |weight| * ||vector - reference||. A brief's reference is
    its vector at the first build or when its own terms last changed. The gaps were measured
    at some earlier state, so the values may have moved by the drift then plus the drift now
    (both against the same reference): that sum must stay under the gap. It does not grow with
    the number of edits, and an edit that is undone returns every drift to 0. `eta` covers
    rounding (values are O(1), rounding errors about 1e-15).

    Everything structural is re-linked, never bounded: briefs whose terms changed, briefs whose
    set of weighted terms changed (an IDF crossed 0), briefs within WINDOW of either on a
    posting list (their windows changed), briefs whose query terms changed, re-pinned briefs.
    """

    def __init__(self, index: RelatedIndex, briefs: Sequence[Brief], traces: Sequence[_Trace]):
        self.index = index
        self.config = index.config
        self.inputs = list(briefs)
        """The briefs of the last call, in the caller's order (to find the changed ones fast)."""
        n = len(index.briefs)
        self.traces = list(traces)
        self.acc_off = [0.0] * n
        """Bound on how far the accumulated similarities were from their reference values
        when the trace was taken."""
        self.score_offs: list[tuple[float, ...]] = [(0.0,) * len(t.comparisons) for t in traces]
        """The same for each comparison of exact scores."""
        self.score_room = [_score_room(t.comparisons, offs) for t, offs in zip(traces, self.score_offs)]
        self.ref: dict[int, dict[int, float]] = {}
        """Position -> reference vector, for briefs whose vector differs from it."""
        self.drift: dict[int, float] = {}
        """Position -> weighted distance of its vector from its reference (> 0)."""
        self.eta = 1e-9 * (1.0 + sum(abs(w) for w in index.weights))
        self.result = {b.slug: t.links for b, t in zip(index.briefs, traces)}
        self.relinked = n
        """Briefs whose links the last call computed."""
        # Several briefs with one slug: positions are ambiguous, so never go incremental.
        self.consistent = len(index.position) == n

    @classmethod
    def build(cls, briefs: Sequence[Brief], config: RelatedConfig, workers: int | None = None) -> RelatedState:
        index = RelatedIndex(briefs, config, workers)
        return cls(index, briefs, list(map_ordered(index.traced, range(len(index.briefs)), workers)))

    def advance(self, briefs: Sequence[Brief], config: RelatedConfig) -> bool:
        """Bring the state up to `briefs`; False when only a fresh build will do (the state
        is then spent if it was already touched)."""
        if not self.consistent or config != self.config:
            return False
        changes = self._diff(briefs)
        if changes is None:
            return False
        index = self.index
        self.consistent = False
        self.inputs = list(briefs)
        edited = [i for i, b in changes if not _same_terms(index.briefs[i], b)]
        relink = {i for i, b in changes if b.related != index.briefs[i].related}
        for i, b in changes:
            index.briefs[i] = b
        if edited:
            relink |= self._reweight(edited)
            if len(relink) > REBUILD_SHARE * len(index.briefs):
                return False
        self._relink(sorted(relink))
        self.consistent = True
        return True

    def _diff(self, briefs: Sequence[Brief]) -> list[tuple[int, Brief]] | None:
        """(position, new version) of each brief that is a new object; None if the slugs or a
        date changed (positions and n would move)."""
        if len(briefs) != len(self.inputs):
            return None
        position = self.index.position
        changes = []
        for new, old in zip(briefs, self.inputs):
            if new is not old:
                if new.slug != old.slug:
                    return self._diff_by_slug(briefs)
                if new.date.timestamp() != old.date.timestamp():
                    return None
                changes.append((position[new.slug], new))
        return changes

    def _diff_by_slug(self, briefs: Sequence[Brief]) -> list[tuple[int, Brief]] | None:
        """`_diff` for briefs given in another order."""
        index = self.index
        seen: set[int] = set()
        changes = []
        for b in briefs:
            i = index.position.get(b.slug)
            if i is None or i in seen:
                return None
            seen.add(i)
            old = index.briefs[i]
            if b is not old:
                if b.date.timestamp() != old.date.timestamp():
                    return None
                changes.append((i, b))
        return changes

    def _reweight(self, edited: list[int]) -> set[int]:
        """Update the index for re-worded briefs; return the briefs that must be re-linked."""
        index = self.index
        old = index.retokenise(edited)
        moved = set(edited) | {j for j, vec in old.items() if vec.keys() != index.vectors[j].keys()}
        relink = index.repost(old, moved) | moved
        for m in moved:
            self.ref.pop(m, None)
            self.drift.pop(m, None)
        drifted = [j for j in old if j not in moved]
        for j in drifted:
            vec = index.vectors[j]
            ref = self.ref.setdefault(j, old[j])
            if vec == ref:
                del self.ref[j]
                self.drift.pop(j, None)
            else:
                self.drift[j] = index.distance(vec, ref)
            query = self.traces[j].query
            if query is not None and tuple(tid for tid, _ in index.query(vec)) != query:
                relink.add(j)
        if drifted:
            relink |= self._unsure(relink)
        return relink

    def _unsure(self, relink: set[int]) -> set[int]:
        """Briefs (not already in `relink`) whose gaps no longer cover the drift. Cheap bounds
        first: the largest drift anywhere, then among the briefs compared, then term by term."""
        drift, eta, traces = self.drift, self.eta, self.traces
        dmax = max(drift.values(), default=0.0)
        unsure = set()
        for i in range(len(traces)):
            if i in relink:
                continue
            t, di = traces[i], drift.get(i, 0.0)
            off, gap = self.acc_off[i], t.acc_gap
            if not (_covered(di + dmax, off, gap, eta) or _covered(di + _most(drift, t.seen), off, gap, eta)
                    or _covered(self._window_drift(i), off, gap, eta)):
                unsure.add(i)
            elif not (di + dmax + eta < self.score_room[i] or di + _most(drift, t.shortlist) + eta < self.score_room[i]
                      or self._comparisons_hold(i)):
                unsure.add(i)
        return unsure

    def _window_drift(self, i: int) -> float:
        """How far any accumulated similarity of i can be from its value at the references,
        term by term: i's own drift, plus for each query term i's reference weight times the
        largest change of that term's weight among the briefs in i's window."""
        index, ref, vectors = self.index, self.ref, self.index.vectors
        own = ref.get(i, vectors[i])
        total = self.drift.get(i, 0.0)
        drifting = ref.__contains__
        for tid in self.traces[i].query or ():
            idx = index.postings_idx[tid]
            pos = bisect.bisect_left(idx, i)
            most = 0.0
            for j in filter(drifting, idx[pos - WINDOW if pos > WINDOW else 0: pos + WINDOW + 1]):
                d = abs(vectors[j][tid] - ref[j][tid])
                if d > most and j != i:
                    most = d
            if most:
                total += abs(index.weights[index.sig_of[tid]]) * own[tid] * most
        return total

    def _drifts(self, i: int, comparisons: tuple[tuple[float, int, int], ...]) -> tuple[float, ...]:
        """For each comparison (gap, a, b): how far score(i, a) - score(i, b) can be from its
        value at the references."""
        drift = self.drift
        di = drift.get(i, 0.0)
        return tuple(di + drift.get(a, 0.0) + (di + drift.get(b, 0.0) if b >= 0 else 0.0)
                     for _, a, b in comparisons)

    def _comparisons_hold(self, i: int) -> bool:
        comparisons = self.traces[i].comparisons
        return all(_covered(now, then, gap, self.eta) for (gap, _, _), now, then
                   in zip(comparisons, self._drifts(i, comparisons), self.score_offs[i]))

    def _relink(self, positions: list[int]) -> None:
        drift, briefs = self.drift, self.index.briefs
        for i, t in zip(positions, map(self.index.traced, positions)):
            self.traces[i] = t
            self.result[briefs[i].slug] = t.links
            # The gaps are measured now: keep how far today's values are from the references.
            seen = drift.get(i, 0.0) + _most(drift, t.seen)
            self.acc_off[i] = seen if seen <= t.acc_gap / 4 else min(seen, self._window_drift(i))
            self.score_offs[i] = self._drifts(i, t.comparisons)
            self.score_room[i] = _score_room(t.comparisons, self.score_offs[i])
        self.relinked = len(positions)


def _most(drift: dict[int, float], positions: Sequence[int]) -> float:
    """The largest drift among these positions (0 for those at their reference)."""
    return max(map(drift.get, positions, itertools.repeat(0.0, len(positions))), default=0.0)


def _covered(now: float, then: float, gap: float, eta: float) -> bool:
    """Do values that were `gap` apart still compare the same way, if they moved from their
    reference values by at most `now` and were `then` away from them when measured? Exactly
    equal inputs always do; NaN anywhere answers no."""
    return now + then == 0.0 or now + then + eta < gap


def _score_room(comparisons: tuple[tuple[float, int, int], ...], offs: tuple[float, ...]) -> float:
    """Least drift per score (the same for every brief) that could flip one of the comparisons."""
    return min(((gap - off) / (2 if b >= 0 else 1) for (gap, _, b), off in zip(comparisons, offs)),
               default=math.inf)


def _same_terms(a: Brief, b: Brief) -> bool:
    """Whether two versions of a brief have the same terms (all that `_terms` reads)."""
    return (a.title == b.title and a.summary == b.summary and a.tags == b.tags
            and a.audience == b.audience and a.source.name == b.source.name)


def _comparisons(ranked: list[tuple[int, float]], limit: int, threshold: float) -> tuple[tuple[float, int, int], ...]:
    """The comparisons of exact scores ((position, score), best first) that decide which of
    the first `limit` are shown and in which order: neighbours among those above the
    threshold; the last of them against the threshold; then every later one against the
    threshold (if fewer than `limit` pass it) or against the last of the first `limit`."""
    if any(score != score for _, score in ranked):
        return ((-math.inf, -1, -1),)
    above = next((k for k, (_, score) in enumerate(ranked) if not score >= threshold), len(ranked))
    shown = min(above, limit)
    out = [(ranked[k][1] - ranked[k + 1][1], ranked[k][0], ranked[k + 1][0]) for k in range(shown - 1)]
    if shown:
        out.append((ranked[shown - 1][1] - threshold, ranked[shown - 1][0], -1))
    if above < limit:
        out += [(threshold - score, j, -1) for j, score in ranked[above:]]
    else:
        last, least = ranked[limit - 1]
        out += [(least - score, last, j) for j, score in ranked[limit:]]
    return tuple(out)


def _not_nan(x: float) -> float:
    return x if x == x else -math.inf

