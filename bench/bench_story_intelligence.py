#!/usr/bin/env python3
"""Benchmark the story-intelligence stages alone: stories, merged timelines, metric series
and sparklines, and the prediction ledger with its hit-rate tallies.

    python bench/bench_story_intelligence.py              # 10,000 and 100,000 briefs
    python bench/bench_story_intelligence.py --n 10000

Briefs are made in memory (deterministic, seeded): these stages read only front-matter
fields, so parsing would only add noise. One brief in three belongs to a story of 3 to 6
briefs with a shared metric series and timeline events that repeat between them; every
brief makes two predictions, half of them settled. Prints a Markdown table of wall times
(median of 3) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.errors import SourceLocation  # noqa: E402
from sitegen.model import OUTCOMES, Brief, FieldValues, Metric, Prediction, Source, TimelineEntry  # noqa: E402
from sitegen.pages.predictions import ledger, tallies  # noqa: E402
from sitegen.series import group_series, sparkline  # noqa: E402
from sitegen.stories import group_stories, merged_timeline  # noqa: E402

TAGS = [f"tag{i}" for i in range(300)]
SOURCES = [f"Source {i}" for i in range(80)]
AUDIENCES = ["Investors", "Developers", "Policy Watchers", "Product Leaders", "Security Teams"]


def make_briefs(n: int, seed: int = 20261201) -> list[Brief]:
    rnd = random.Random(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    loc = SourceLocation("bench.md", 1, 1)
    story_of: dict[int, tuple[str, int]] = {}
    i = 0
    while i < n:  # every third brief starts a story thread of 3-6 briefs spread over the corpus
        size = rnd.randint(3, 6)
        members = rnd.sample(range(n), size)
        for pos, m in enumerate(sorted(members)):
            story_of.setdefault(m, (f"story-{i}", pos))
        i += 3 * size
    briefs = []
    for k in range(n):
        story, pos = story_of.get(k, ("", 0))
        metrics = (Metric("Revenue", str(round(rnd.uniform(1, 500), 1)), "$B", "", f"{story}-revenue" if story else "",
                          loc if story else None),)
        timeline = tuple(TimelineEntry(f"2025-{m:02d}", f"Event {m} of {story or k}") for m in range(1, 4))
        predictions = tuple(
            Prediction(f"Claim {k}.{j}", resolve_by=(start + dt.timedelta(days=rnd.randint(0, 900))).date(),
                       outcome=rnd.choice(OUTCOMES) if rnd.random() < 0.5 else "")
            for j in range(2))
        briefs.append(Brief(
            f"b{k}.md", f"b{k}", loc, f"Brief {k}", start + dt.timedelta(minutes=37 * k), True,
            Source(rnd.choice(SOURCES), "https://example.com/"), "hook", "",
            audience=tuple(rnd.sample(AUDIENCES, 2)), tags=tuple(rnd.sample(TAGS, 3)), metrics=metrics,
            story=story, more=FieldValues((("timeline", timeline), ("predictions", predictions)))))
    briefs.sort(key=lambda b: (-b.date.timestamp(), b.slug))
    return briefs


def timed(fn):  # type: ignore[no-untyped-def]
    runs = []
    result = None
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return result, statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus sizes (default: 10000 and 100000)")
    args = parser.parse_args()
    rows = []
    for n in args.n or [10_000, 100_000]:
        briefs = make_briefs(n)
        by_slug = {b.slug: b for b in briefs}
        stories, t_stories = timed(lambda: group_stories(briefs, {}))
        timelines = {b.slug: b.timeline for b in briefs}
        _, t_timeline = timed(lambda: [merged_timeline([by_slug[s] for s in st.slugs], timelines) for st in stories])
        (series, diags), t_series = timed(lambda: group_series(briefs))
        assert not diags
        _, t_spark = timed(lambda: [sparkline(tuple(p.value for p in s.points)) for s in series.values()])
        today = dt.date(2025, 6, 1)
        (still_open, settled), t_ledger = timed(lambda: ledger(briefs, by_slug, today))
        _, t_tally = timed(lambda: [tallies(settled, key) for key in ("sources", "tags", "audiences")])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((n, len(stories), t_stories, t_timeline, len(series), t_series, t_spark,
                     len(still_open) + len(settled), t_ledger, t_tally, peak))
    print("| briefs | stories | group s | merged timelines s | series | group s | sparklines s "
          "| predictions | ledger s | hit-rate tallies s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, ns, ts, tt, nser, tser, tsp, npred, tl, tta, mb in rows:
        print(f"| {n:,} | {ns:,} | {ts:.3f} | {tt:.3f} | {nser:,} | {tser:.3f} | {tsp:.3f} | {npred:,} | {tl:.3f} "
              f"| {tta:.3f} | {mb:.0f} |")


if __name__ == "__main__":
    main()
