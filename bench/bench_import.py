#!/usr/bin/env python3
"""Benchmark `sitegen import` of generated briefs given as JSON Lines; print a Markdown table.

    python bench/bench_import.py               # 10,000 records
    python bench/bench_import.py --n 1000 --repeat 3

The briefs come from bench/gen_corpus.py (cached under bench-out/corpus-<n>/), each turned into
one JSON record (its front matter, its slug and `body`). Each run is a subprocess, as a user runs
it, into a fresh site folder:

- `cold`: every record checked and written (no file exists yet);
- `again`: the same file imported again into that site: every record checked, every file found
  unchanged (the idempotent path);
- `dry run`: a fresh site, every record checked, nothing written.

Wall time, CPU time (user + system) and the peak RSS of the sitegen process. No test asserts a
duration; issue 15 asks for 10,000 records in under 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GEN = HERE / "gen_corpus.py"
sys.path.insert(0, str(REPO))

from sitegen.frontmatter import split  # noqa: E402
from sitegen.yamlnodes import load_located  # noqa: E402


def corpus(n: int) -> Path:
    out = REPO / "bench-out" / f"corpus-{n}"
    if not (out / "content/briefs").is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(out)], check=True,
                       stdout=subprocess.DEVNULL)
    return out


def records(n: int) -> Path:
    """The corpus as JSON Lines (made once)."""
    out = REPO / "bench-out" / f"records-{n}.jsonl"
    if not out.is_file():
        briefs = sorted((corpus(n) / "content/briefs").glob("*.md"))
        with out.open("w", encoding="utf-8") as f:
            for path in briefs:
                parts = split(path.name, path.read_text(encoding="utf-8"))
                data = load_located(parts.yaml_text).data
                f.write(json.dumps({**data, "slug": data.get("slug", path.stem), "body": parts.body},
                                   ensure_ascii=False) + "\n")
    return out


def run(args: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, last stdout line) of `sitegen ARGS` in a subprocess."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "sitegen", *args], stdout=out, stderr=err,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"sitegen {' '.join(args)} failed:\n{err.read()}")
        last = out.read().strip().splitlines()[-1]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, last


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="records (default: 10,000)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each kind (default: 1)")
    opts = ap.parse_args()
    src = records(opts.n)
    size_mb = src.stat().st_size / 1e6
    rows = []
    for _ in range(opts.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            site = Path(tmp) / "site"
            site.mkdir()
            cold = run(["import", str(src), "--site", str(site)])
            again = run(["import", str(src), "--site", str(site)])
            dry_site = Path(tmp) / "dry"
            dry_site.mkdir()
            dry = run(["import", str(src), "--site", str(dry_site), "--dry-run"])
            shutil.rmtree(site)
        rows += [("cold", cold), ("again", again), ("dry run", dry)]
    print(f"`sitegen import` of {opts.n:,} records ({size_mb:.1f} MB of JSON Lines), {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}\n")
    print("| run | wall s | CPU s | records/s | peak RSS MB | result |")
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu, rss, last) in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {opts.n / wall:,.0f} | {rss:.0f} | {last.split(': ', 1)[-1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
