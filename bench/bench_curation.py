#!/usr/bin/env python3
"""Benchmark the curation stages (related updates, weekly grouping, taxonomies) alone.

    python bench/bench_curation.py            # 10,000 and 100,000 briefs
    python bench/bench_curation.py --n 10000

Briefs come from the deterministic corpus generator (bench/gen_corpus.py). Only the
front matter is parsed (the Markdown body plays no part in these stages), so the numbers
are the cost of the stages themselves. Prints a Markdown table: stage wall time and the
process's peak memory.
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.config import RelatedConfig  # noqa: E402
from sitegen.content import ParseSettings  # noqa: E402
from sitegen.frontmatter import decode, split  # noqa: E402
from sitegen.model import Brief, Source  # noqa: E402
from sitegen.related import compute_related  # noqa: E402
from sitegen.fieldreader import FieldReader  # noqa: E402
from sitegen.schema import validate_brief  # noqa: E402
from sitegen.taxonomy import group_taxonomies  # noqa: E402
from sitegen.weekly import group_weeks  # noqa: E402
from sitegen.yamlnodes import load_located  # noqa: E402


def corpus(n: int, cache: Path) -> Path:
    out = cache / f"corpus-{n}"
    if not (out / "content" / "briefs").is_dir():
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--n", str(n), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def load_briefs(site: Path) -> list[Brief]:
    tz = ZoneInfo("UTC")
    briefs = []
    for path in sorted((site / "content" / "briefs").glob("*.md")):
        shown = str(path.relative_to(site))
        text = decode(shown, path.read_bytes())
        parts = split(shown, text)
        reader = FieldReader(load_located(parts.yaml_text), shown, text, 1)
        f = validate_brief(reader, tz)
        assert f is not None, reader.diags
        when, has_time = f["date"]
        briefs.append(Brief(
            source_path=shown, slug=path.stem, slug_location=reader.location(()), title=f["title"], date=when,
            has_time=has_time, source=Source(f["source"]["name"], f["source"]["url"]), summary=f["summary"],
            body_html="", audience=f.get("audience", ()), tags=f.get("tags", ()),
            related=tuple(s for s, _ in f.get("related", ()))))
    briefs.sort(key=lambda b: (-b.date.timestamp(), b.slug))
    return briefs


def timed(fn):  # type: ignore[no-untyped-def]
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus sizes (default: 10000 and 100000)")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench-out")
    args = parser.parse_args()
    sizes = args.n or [10_000, 100_000]
    rows = []
    for n in sizes:
        site = corpus(n, args.cache)
        briefs, t_load = timed(lambda: load_briefs(site))
        related, t_related = timed(lambda: compute_related(briefs, RelatedConfig()))
        (weeks, _), t_weeks = timed(lambda: group_weeks(briefs, ZoneInfo("UTC")))
        (taxes, _), t_tax = timed(lambda: group_taxonomies(briefs))
        with_related = sum(1 for links in related.values() if links)
        avg = sum(len(links) for links in related.values()) / len(briefs)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((n, t_load, t_related, with_related, avg, t_weeks, len(weeks), t_tax, peak_mb))
    print("| briefs | front matter load s | related s | briefs with related | avg related | weekly s | weeks "
          "| taxonomies s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, tl, tr, wr, avg, tw, nw, tt, mb in rows:
        print(f"| {n:,} | {tl:.1f} | {tr:.2f} | {wr:,} | {avg:.2f} | {tw:.2f} | {nw:,} | {tt:.2f} | {mb:.0f} |")


if __name__ == "__main__":
    main()
