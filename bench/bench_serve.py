#!/usr/bin/env python3
"""Benchmark `sitegen serve`: edit-to-reload latency, file saved -> the browser shows the new text.

    python bench/bench_serve.py                  # the demo site and a 10,000-brief generated site
    python bench/bench_serve.py --n 1000 --trials 5
    python bench/bench_serve.py --no-demo --n 10000

Runs `sitegen serve` exactly as an author does (a subprocess: real watcher, real HTTP server),
opens a brief in Debian's Chromium through Playwright, waits until its reload script is
listening, then for each trial makes one kind of edit carrying a unique marker (body, source
link, title) and measures from the save to the first paint of the page that shows it. Prints a Markdown table. Generated corpora come
from bench/gen_corpus.py and are cached under bench-out/corpus-<n>/, copied into a fresh site.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def corpus(n: int) -> Path:
    cached = REPO / "bench-out" / f"corpus-{n}"
    if not (cached / "content/briefs").is_dir():
        gen = REPO / "bench/gen_corpus.py"
        if not gen.exists():
            gen = REPO.parent / "shared/bench/gen_corpus.py"
        subprocess.run([sys.executable, str(gen), "--n", str(n), "--out", str(cached)], check=True,
                       stdout=subprocess.DEVNULL)
    return cached


def demo_site(tmp: Path) -> Path:
    site = tmp / "demo"
    site.mkdir()
    for name in ("sitegen.yaml", "content", "layouts"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, site / name)
    return site


def start_server(site: Path) -> tuple[subprocess.Popen[str], str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    line = proc.stdout.readline()  # type: ignore[union-attr]
    if " at http://" not in line:
        proc.kill()
        raise SystemExit(f"serve did not start: {line}{proc.stderr.read()}")  # type: ignore[union-attr]
    return proc, line.split(" at ")[1].split(" ")[0], time.perf_counter() - t0


EDITS = {
    "body edit": lambda text, marker: text.rstrip("\n") + f"\n\n{marker}\n",
    # Front matter that no list or related score reads: the brief page and its feeds change.
    "source link edit": lambda text, marker: re.sub(r"^(  url:\s*).*$", r'\g<1>"https://example.com/' + marker.replace(" ", "-") + '"',
                                                   text, count=1, flags=re.M),
    # The title shows on lists and feeds and feeds the related scores of its neighbours.
    # A real word changes with each trial: markers alone are digits, which related scoring ignores.
    "title edit": lambda text, marker: re.sub(r"^title:.*$", f'title: "{_word(marker)} {marker}"', text, count=1,
                                              flags=re.M),
}
WORDS = ("solar", "chips", "tariff", "merger", "outage", "pricing", "layoffs", "funding", "recall", "antitrust")


def _word(marker: str) -> str:
    return WORDS[int(marker.split()[3]) % len(WORDS)]


PAINTED = """(() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
})()"""


def peak_rss_mb(pid: int) -> float:
    """The serve process's peak resident memory (its render workers come and go)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(site: Path, label: str, trials: int, browser) -> dict[str, object]:  # type: ignore[no-untyped-def]
    proc, url, startup = start_server(site)
    try:
        target = sorted((site / "content/briefs").glob("*.md"))[len(list((site / "content/briefs").glob("*.md"))) // 2]
        slug = target.stem
        m = re.search(r"^slug:\s*(\S+)", target.read_text(encoding="utf-8"), re.M)
        slug = m.group(1).strip("'\"") if m else slug
        page = browser.new_page()
        page.goto(url + f"briefs/{slug}/")
        page.wait_for_function("window.sitegenLive === true", timeout=60_000)
        original = target.read_text(encoding="utf-8")
        rows: dict[str, list[float]] = {kind: [] for kind in EDITS}
        try:
            for kind in rows:
                for i in range(trials):
                    marker = f"Benchmark marker {kind.split()[0]} {i} {time.time_ns()}"
                    target.write_text(EDITS[kind](original, marker), encoding="utf-8")
                    saved = time.time() * 1000
                    shown = marker if kind != "source link edit" else marker.replace(" ", "-")
                    page.wait_for_function(f"document.body && document.body.innerHTML.includes({shown!r})",
                                           timeout=600_000, polling="raf")
                    # When the new page was painted, by the browser's own clock (the same wall clock
                    # as ours): Playwright's polling, which re-attaches after a navigation, is not counted.
                    painted = page.evaluate(PAINTED)
                    rows[kind].append(painted - saved)
                    page.wait_for_function("window.sitegenLive === true", timeout=60_000)
                    time.sleep(0.2)
        finally:
            target.write_text(original, encoding="utf-8")
        page.close()
        return {"site": label, "briefs": len(list((site / "content/briefs").glob("*.md"))),
                "startup": startup, "rss": peak_rss_mb(proc.pid), **{k: v for k, v in rows.items()}}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="generated corpus size (repeatable; default 10000)")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if not args.no_demo:
            results.append(measure(demo_site(Path(tmp)), "demo", args.trials, browser))
        for n in args.n or [10000]:
            site = Path(tmp) / f"gen-{n}"
            shutil.copytree(corpus(n), site)
            results.append(measure(site, f"generated {n:,}", args.trials, browser))
        browser.close()
    print("Milliseconds from saving the file to the new page's first paint: median (min–max).\n")
    print("| site | briefs | first build + serve (s) | serve peak RSS (MB) | " + " | ".join(EDITS) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(EDITS))
    for r in results:
        cells = []
        for kind in EDITS:
            v = r[kind]
            cells.append(f"{statistics.median(v):.0f} ({min(v):.0f}–{max(v):.0f})")  # type: ignore[arg-type]
        print(f"| {r['site']} | {r['briefs']} | {r['startup']:.1f} | {r['rss']:.0f} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
