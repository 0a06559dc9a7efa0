#!/usr/bin/env python3
"""Benchmark cold `sitegen build` on generated corpora; print a Markdown table.

    python bench/bench_build.py                    # 1,000 and 10,000 briefs
    python bench/bench_build.py --n 500 --repeat 3
    python bench/bench_build.py --n 10000 --profile   # cProfile, single process, top functions
    python bench/bench_build.py --n 2000 --cards      # social cards: off, cold cache, warm cache

Corpora come from bench/gen_corpus.py (deterministic; a vendored copy of the project's
generator) and are cached under bench-out/corpus-<n>/. Every measured run is cold: the
corpus is copied into a fresh site folder (so no build cache from an earlier run can
exist) and built into a fresh output folder, as a subprocess, as a user would run it.

With --cards each size gets three rows: `cards cold` (a fresh copy, an empty .sitegen/: every
card drawn), `cards warm` (the same site built again into a fresh output folder: every card from
the cache) and `cards off` (the same site again with SITEGEN_CARDS=off: no social cards). Without
--cards a build makes its cards as usual, from an empty cache.

Memory is measured three ways, because workers are forked and share pages:
- "largest process": the peak RSS of the biggest single process (os.wait4's ru_maxrss);
- "tree RSS": the peak of the summed RSS of the whole process tree (counts shared pages
  once per process: an upper bound);
- "tree PSS": the peak of the summed proportional set size (shared pages split between
  the processes that share them): the memory the build really holds.
Tree figures are sampled from /proc every 20 ms (Linux only; elsewhere they show "n/a").
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GEN = HERE / "gen_corpus.py"
SEED = 20260626
SUMMARY_RE = re.compile(r"built (\d+) pages")


@dataclass(frozen=True)
class Run:
    briefs: int
    variant: str
    pages: int
    files: int
    seconds: float
    cpu_seconds: float
    """user + system time of the whole process tree: less sensitive than wall time to a busy machine"""
    max_rss_mb: float
    tree_rss_mb: float | None
    tree_pss_mb: float | None
    load_before: float
    """1-minute load average when the build started: other work on the machine skews wall time"""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def corpus(n: int, out_root: Path, seed: int) -> Path:
    """bench-out/corpus-<n>/, generated once per (generator, n, seed)."""
    site = out_root / f"corpus-{n}"
    stamp = f"{hashlib.sha256(GEN.read_bytes()).hexdigest()[:16]} n={n} seed={seed}\n"
    stamp_file = site / ".corpus-stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return site
    shutil.rmtree(site, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(site), "--seed", str(seed)], check=True)
    (site / "sitegen.yaml").write_text("title: Benchmark corpus\nbase_url: https://example.org/bench/\n")
    stamp_file.write_text(stamp)
    print(f"generated {n} briefs in {time.perf_counter() - t0:.1f}s -> {site}", file=sys.stderr)
    return site


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _tree(root: int) -> list[int]:
    kids, out, todo = _children_map(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, from smaps_rollup; (0, 0) if it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = self.peak_pss_kb = 0
        self.stop = threading.Event()
        self.supported = Path("/proc/self/smaps_rollup").exists()

    def run(self) -> None:
        while self.supported and not self.stop.is_set():
            rss = pss = 0
            for pid in _tree(self.pid):
                r, p = _memory_kb(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.stop.wait(self.interval)


CARD_VARIANTS = ("cards cold", "cards warm", "cards off")
"""In this order: cold copies the corpus afresh; warm and off build the site cold left, so both
find the CJK web font in the cache and differ only in the cards."""


def build_cold(n: int, corpus_dir: Path, work: Path, extra: list[str], variant: str = "") -> Run:
    """One build as a subprocess into a fresh output folder; a fresh copy of the corpus too,
    except for 'cards warm' and 'cards off', which build the site the last run left (its cache full)."""
    site = work / "site"
    out = work / "public"
    if variant in ("cards warm", "cards off"):
        if not (site / ".sitegen" / "cards").is_dir():
            sys.exit(f"{variant} needs a cards cold run of the same size first")
        shutil.rmtree(out, ignore_errors=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(corpus_dir, site)
    cmd = [sys.executable, "-m", "sitegen", "build", str(site), "--output", str(out), *extra]
    env = {**os.environ, "SITEGEN_CARDS": "off"} if variant == "cards off" else None
    log = work / "build.log"
    load = os.getloadavg()[0]
    with open(log, "w+") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        # wait4 gives this child's own rusage: ru_maxrss is its largest process (kB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
        f.seek(0)
        output = f.read()
    if proc.returncode != 0:
        sys.exit(f"build of {n} briefs failed ({proc.returncode}):\n{output[-4000:]}")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    m = SUMMARY_RE.search(output)
    pages = int(m.group(1)) if m else sum(1 for _ in out.rglob("*.html"))
    tree = sampler.supported
    return Run(n, variant or "default", pages, files, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               sampler.peak_rss_kb / 1024 if tree else None, sampler.peak_pss_kb / 1024 if tree else None, load)


def profile(n: int, corpus_dir: Path, work: Path, top: int) -> None:
    """One cold build in a single process under cProfile; print the top functions."""
    import pstats

    site, out, prof = work / "site", work / "public", work / f"profile-{n}.prof"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus_dir, site)
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "sitegen", "build", str(site),
                    "--output", str(out), "--jobs", "1"], cwd=REPO, check=True)
    for key in ("tottime", "cumulative"):
        print(f"\n### cProfile, {n} briefs, --jobs 1, top {top} by {key}\n```")
        pstats.Stats(str(prof)).sort_stats(key).print_stats(top)
        print("```")
    print(f"profile saved to {prof}", file=sys.stderr)


def fmt(x: float | None, spec: str = ".0f") -> str:
    return "n/a" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default: 1000 10000)")
    ap.add_argument("--repeat", type=int, default=1, help="cold builds per size; the table shows the median")
    ap.add_argument("--jobs", type=int, help="passed to sitegen build --jobs (default: sitegen's own)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache and work folder (default: bench-out/)")
    ap.add_argument("--profile", action="store_true", help="also profile one single-process build per size")
    ap.add_argument("--top", type=int, default=25, help="functions to show with --profile")
    ap.add_argument("--cards", action="store_true",
                    help="three rows per size: social cards off, drawn from an empty cache, all from the cache")
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    rows: list[Run] = []
    for n in args.n:
        corpus_dir = corpus(n, args.out, args.seed)
        by_variant: dict[str, list[Run]] = {}
        for _ in range(args.repeat):
            # cold before warm within each repeat: warm builds the site its cold run left
            for variant in CARD_VARIANTS if args.cards else ("",):
                r = build_cold(n, corpus_dir, args.out / f"work-{n}", extra, variant)
                print(f"{n} briefs{' ' + variant if variant else ''}: {r.seconds:.2f}s wall, {r.cpu_seconds:.1f}s CPU, "
                      f"{r.pages} pages, tree PSS {fmt(r.tree_pss_mb)} MB, load average before {r.load_before:.1f}",
                      file=sys.stderr)
                by_variant.setdefault(variant, []).append(r)
        for runs in by_variant.values():
            rows.append(sorted(runs, key=lambda r: r.seconds)[len(runs) // 2])
        if args.profile:
            profile(n, corpus_dir, args.out / f"work-{n}", args.top)

    py = sys.version.split()[0]
    print(f"\nsitegen cold build, Python {py}, {os.cpu_count()} CPUs, jobs={args.jobs or 'default'}, "
          f"median of {args.repeat}\n")
    print("| briefs | build | pages | files | wall (s) | pages/s | CPU (s) | peak tree PSS (MB) | peak tree RSS (MB) "
          "| largest process RSS (MB) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r.briefs:,} | {r.variant} | {r.pages:,} | {r.files:,} | {r.seconds:.2f} | {r.pages_per_second:,.0f} | "
              f"{r.cpu_seconds:.1f} | "
              f"{fmt(r.tree_pss_mb)} | {fmt(r.tree_rss_mb)} | {r.max_rss_mb:.0f} |")
    if args.cards:
        print()
        for n in args.n:
            got = {r.variant: r for r in rows if r.briefs == n}
            cold, warm, off = got["cards cold"], got["cards warm"], got["cards off"]
            print(f"- {n:,} briefs: drawing a card costs {(cold.cpu_seconds - off.cpu_seconds) / n * 1000:.1f} ms CPU "
                  f"(cold − off); with every card cached the build takes {(warm.seconds / off.seconds - 1) * 100:+.1f}% "
                  f"wall and {(warm.cpu_seconds / off.cpu_seconds - 1) * 100:+.1f}% CPU against no cards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
