#!/usr/bin/env python3
"""Benchmark the persistent build cache: what a rebuild costs; print a Markdown table.

    python bench/bench_cache.py --n 10000
    python bench/bench_cache.py --n 2000 --repeat 3

For each size, in order, on one copy of the corpus (bench/gen_corpus.py, cached in bench-out/):
- `cold, --no-cache`: nothing cached, nothing kept (what a build costs without the cache);
- `cold`: an empty cache; the build fills it;
- `no change`: the same command again, nothing edited (cache and public/ present);
- `one brief edited`: a sentence appended to one brief's body;
- `CI: cache restored`: a fresh copy of the corpus at another path (a fresh clone), the cache
  folder copied into it as actions/cache restores it, no public/.
Each build runs as a subprocess, as a user would run it, measured as bench_build.py measures
(wall, CPU of the process tree, largest process, tree PSS). The stage table of `--timings` is
kept in each run's log under bench-out/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench_build import REPO, SEED, TreeSampler, corpus, fmt

SCENARIOS = ("cold, --no-cache", "cold", "no change", "one brief edited", "CI: cache restored")


@dataclass(frozen=True)
class Measured:
    scenario: str
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    tree_pss_mb: float | None
    load_before: float


def measure(scenario: str, site: Path, extra: list[str], log: Path) -> Measured:
    cmd = [sys.executable, "-m", "sitegen", "build", str(site), "--timings", *extra]
    load = os.getloadavg()[0]
    with open(log, "w+") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=f, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
        f.seek(0)
        output = f.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{scenario}: build failed:\n{output[-4000:]}")
    return Measured(scenario, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    sampler.peak_pss_kb / 1024 if sampler.supported else None, load)


def edit_one(site: Path) -> None:
    brief = sorted((site / "content/briefs").glob("*.md"))[len(list((site / "content/briefs").glob("*.md"))) // 2]
    with open(brief, "a", encoding="utf-8") as f:
        f.write("\nOne more sentence, added by the benchmark.\n")


def run_size(n: int, corpus_dir: Path, work: Path) -> list[Measured]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    site, clone = work / "site", work / "clone"
    shutil.copytree(corpus_dir, site)  # copy2 keeps the files' old mtimes: their stats are trusted
    out: list[Measured] = []

    def run(scenario: str, where: Path, *extra: str) -> None:
        m = measure(scenario, where, list(extra), work / f"{len(out)}-{scenario.split(':')[0].replace(' ', '-')}.log")
        print(f"{n} briefs, {scenario}: {m.seconds:.2f}s wall, {m.cpu_seconds:.1f}s CPU, "
              f"load before {m.load_before:.1f}", file=sys.stderr)
        out.append(m)

    run("cold, --no-cache", site, "--no-cache")
    shutil.rmtree(site / "public")
    run("cold", site)
    run("no change", site)
    edit_one(site)
    run("one brief edited", site)
    shutil.copytree(corpus_dir, clone)
    edit_one(clone)  # the clone has the edit the cache saw last
    shutil.copytree(site / ".sitegen", clone / ".sitegen")
    run("CI: cache restored", clone)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10000], help="corpus sizes (default: 10000)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds per size; the table shows medians")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache and work folder (default: bench-out/)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"\nsitegen rebuilds with the build cache, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"median of {args.repeat}\n")
    print("| briefs | build | wall (s) | CPU (s) | largest process (MB) | tree PSS (MB) | load before |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for n in args.n:
        corpus_dir = corpus(n, args.out, args.seed)
        rounds = [run_size(n, corpus_dir, args.out / f"cache-work-{n}") for _ in range(args.repeat)]
        for i, scenario in enumerate(SCENARIOS):
            runs = sorted((r[i] for r in rounds), key=lambda m: m.seconds)
            m = runs[len(runs) // 2]
            print(f"| {n:,} | {scenario} | {m.seconds:.2f} | {m.cpu_seconds:.1f} | {m.max_rss_mb:.0f} | "
                  f"{fmt(m.tree_pss_mb)} | {m.load_before:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
