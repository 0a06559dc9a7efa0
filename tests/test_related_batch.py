"""The arrays of relatedbatch give the numbers the one-brief-at-a-time Python code gives, to
the bit: otherwise the live preview's incremental links (Python) would drift from a fresh
build's (arrays) on near ties."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import numpy as np

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import relatedbatch
from sitegen.config import SIGNALS, RelatedConfig
from sitegen.model import Brief
from sitegen.parallel import beside
from sitegen.related import compute_related
from sitegen.relatedbatch import pair_scores
from sitegen.relatedindex import SLACK, RelatedIndex
from sitegen.relatedterms import TermCounter, idf_weight, term_vector
from test_related import make
from test_related_incremental import AUDIENCES, CONFIGS, SOURCES, TAGS, WORDS

# Latin with accents and capitals, CJK runs (bigrams), numbers and stopwords (not terms).
EPOCH = make("x", 0, "x").date
"""The date of day 0 in `make`."""
EXTRA = ["Énergie", "ÉNERGIE", "量子计算", "芯片", "2026", "the", "x", "naïve", "Straße", "strasse"]


def corpus(rng: random.Random, n: int) -> list[Brief]:
    def text(most: int) -> str:
        return " ".join(rng.choice(WORDS + EXTRA) for _ in range(rng.randint(1, most)))
    out = []
    for k in range(n):
        tags = tuple(dict.fromkeys(rng.choice(TAGS) for _ in range(rng.randint(0, 3))))
        # Most briefs carry one common tag: its posting list is longer than WHOLE, so the
        # windows nearest in time are exercised as well as whole lists.
        tags += ("news",) if rng.random() < 0.8 and "news" not in tags else ()
        slugs = [f"b{j}" for j in range(n)] + ["no-such-brief"]
        related = tuple(rng.sample(slugs, min(len(slugs), rng.randint(1, 3)))) if rng.random() < 0.1 else ()
        # Now and then a slug twice (an author's mistake the build reports; links must still agree).
        slug = f"b{k - 1}" if k and rng.random() < 0.03 else f"b{k}"
        if out and rng.random() < 0.1:  # the same story again, so exact scores tie
            twin = rng.choice(out)
            day = (twin.date - EPOCH).days + rng.choice((0, 0, 1))
            out.append(make(slug, day, twin.title, summary=twin.summary, tags=twin.tags, audience=twin.audience,
                            source=twin.source.name, related=related))
            continue
        out.append(make(slug, rng.randint(0, n // 2), text(6), summary=text(25), tags=tags,
                        audience=tuple(rng.sample(AUDIENCES, rng.randint(0, 2))),
                        source=rng.choice(SOURCES), related=related))
    return out


def reference(briefs: list[Brief]) -> tuple[list[dict[int, int]], list[float], list[dict[int, float]], list[tuple[int, str]]]:
    """Counts, IDF and vectors made one brief at a time, with the definitions, and the names of the terms."""
    index_order = sorted(briefs, key=lambda b: (b.date.timestamp(), b.slug))
    terms = TermCounter(len(SIGNALS), SIGNALS.index("text"))
    counts = [terms.count(b) for b in index_order]
    held = Counter(t for c in counts for t in c)
    idf = [idf_weight(len(briefs), held[t]) for t in range(len(terms.sig_of))]
    return counts, idf, [term_vector(c, idf) for c in counts], terms.vocabulary()


def bits(d: dict[int, float], names: list[tuple[int, str]]) -> list[tuple[tuple[int, str], str]]:
    return [(names[k], v.hex()) for k, v in d.items()]


def check(briefs: list[Brief], config: RelatedConfig) -> None:
    index = RelatedIndex(briefs, config)
    shortlists = index.shortlists(0, len(briefs))
    counts, idf, vectors, names = reference(briefs)
    # Terms are numbered in another order (nothing depends on it): compared by name.
    mine = index.terms.vocabulary()
    theirs = {name: tid for tid, name in enumerate(names)}
    assert [[(mine[k], c) for k, c in d.items()] for d in index.counts] == \
        [[(names[k], c) for k, c in d.items()] for d in counts]
    assert sorted((mine[t], x.hex()) for t, x in enumerate(index.idf)) == sorted((names[t], x.hex()) for t, x in enumerate(idf))
    assert [bits(v, mine) for v in index.vectors] == [bits(v, names) for v in vectors]
    for tid, (rows, values) in enumerate(zip(index.postings_idx, index.postings_val)):
        ref = theirs[mine[tid]]
        assert rows == [i for i, v in enumerate(vectors) if ref in v]
        assert [x.hex() for x in values] == [vectors[i][ref].hex() for i in rows]
    assert shortlists is not None
    for i, b in enumerate(index.briefs):
        pins = len(index.pinned(i)) if b.related else 0
        if pins >= config.count:
            assert shortlists[i] == []
            continue
        acc = index.accumulate(i, index.query(index.vectors[i]))
        assert shortlists[i] == index.shortlist(acc, config.count + pins + SLACK), b.slug
    # Exact scores of every shortlisted pair, against `score`.
    pi = np.repeat(np.arange(len(briefs)), [len(x) for x in shortlists])
    pj = np.array([j for x in shortlists for j in x], dtype=np.int64)
    scores = pair_scores(index.tables, pi, pj, index.term_weight, index.kind, np.array(index.days),
                         config.half_life_days, index.w_rest, index.w_time)
    assert [x.hex() for x in scores.tolist()] == [index.score(i, j).hex() for i, j in zip(pi.tolist(), pj.tolist())]
    # And the links: the arrays' shortlists, scored in workers, against Python alone.
    alone = RelatedIndex(briefs, config)
    expected = {alone.briefs[i].slug: alone.links(i) for i in range(len(briefs))}
    assert compute_related(briefs, config, workers=2) == expected


def test_a_corpus_of_a_few_hundred_briefs_gets_the_python_numbers_to_the_bit() -> None:
    for seed, config in enumerate(CONFIGS):
        check(corpus(random.Random(seed), 300), config)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2 ** 32), st.integers(1, 80), st.sampled_from(CONFIGS))
def test_random_corpora_get_the_python_numbers_to_the_bit(seed: int, n: int, config: RelatedConfig) -> None:
    check(corpus(random.Random(seed), n), config)



def test_terms_counted_in_two_workers_give_the_same_vectors_by_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Large sites count the last briefs in a worker, with its own numbering,
    # and merge its vocabulary: in its order, so the numbering too is the same as counting alone.
    briefs = corpus(random.Random(11), 500)
    alone = RelatedIndex(briefs, RelatedConfig(), workers=1)
    monkeypatch.setattr(relatedbatch, "PARALLEL_FROM", 0)
    spawned = []
    monkeypatch.setattr(relatedbatch, "beside", lambda fn, args, mine: spawned.append(fn) or beside(fn, args, mine))
    split = RelatedIndex(briefs, RelatedConfig(), workers=2)
    assert spawned, "the last briefs were not counted in another process"
    assert (split.sig_of, split.terms.ids) == (alone.sig_of, alone.terms.ids)

    def named(index: RelatedIndex) -> tuple[list[list[tuple[tuple[int, str], str]]], list[list[tuple[tuple[int, str], int]]]]:
        names = index.terms.vocabulary()
        return ([[(names[t], v.hex()) for t, v in vec.items()] for vec in index.vectors],
                [[(names[t], c) for t, c in counts.items()] for counts in index.counts])
    assert named(split) == named(alone)
    assert [(sizes.tolist(), codes.tolist()) for sizes, codes in split.linked_slice(0, 500)] == \
        [(sizes.tolist(), codes.tolist()) for sizes, codes in alone.linked_slice(0, 500)]


def test_pair_scores_without_the_packed_sort_key_are_the_same() -> None:
    # At a million briefs the one-integer sort key of pair_scores would overflow; the fallback
    # must give the same scores.
    briefs = corpus(random.Random(5), 200)
    index = RelatedIndex(briefs, RelatedConfig())
    lists = index.shortlists(0, len(briefs))
    assert lists is not None
    pi = np.repeat(np.arange(len(briefs)), [len(x) for x in lists])
    pj = np.array([j for x in lists for j in x], dtype=np.int64)
    args = (index.term_weight, index.kind, np.array(index.days), 30.0, index.w_rest, index.w_time)
    packed = pair_scores(index.tables, pi, pj, *args)
    wide = replace(index.tables, terms=2 ** 40)  # as if there were 2^40 terms: the key cannot fit
    assert len(pi) * wide.terms >= (2 ** 62) // len(index.tables.ids)
    assert [x.hex() for x in pair_scores(wide, pi, pj, *args).tolist()] == [x.hex() for x in packed.tolist()]
