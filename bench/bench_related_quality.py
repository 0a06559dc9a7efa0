#!/usr/bin/env python3
"""How well related updates find a story's other briefs: planted threads among distractors.

    python bench/bench_related_quality.py                       # 10,000 briefs, sitegen only
    python bench/bench_related_quality.py --hugo PATH/TO/hugo    # and Hugo's related content
    python bench/bench_related_quality.py --n 2000 --seed 3

The corpus (deterministic for a seed) is written as brief files, so any generator can read it:

- threads: n/50 stories of 3 to 6 briefs each. A thread's briefs are linked the way real
  follow-ups are, and only that way: an invented name (a product, a start-up, a case) in the
  tags of most of them and in the title of most of them (every brief has it in one of the
  two), sometimes one specific word of the story, dates days to weeks apart (now and then
  two or three months). Titles, summaries, audiences and the generic tags differ from brief
  to brief.
- near misses: two per thread, in its weeks, about its parent company (Nvidia, SAP...),
  with the thread's generic tags and now and then its specific word; not about its subject.
- round-ups: n/250 "this week in ..." briefs naming three threads' subjects in the summary.
- background: the rest, from bench/gen_corpus.py: titles and tags from the same generic
  vocabulary (ai, cloud, security: each on a tenth of the site), 40 briefs a week, and
  summaries put together from the same phrases as the threads' (see make_summary).

Each thread brief's list (automatic links only: the corpus pins nothing) is scored against
its thread: recall is the share of its thread-mates it shows (count 5, so up to 5 mates),
top-3 precision the share of the first three shown that are thread-mates (summed over all
thread briefs: a brief that shows nothing adds nothing to either side). Prints a Markdown table.

With --hugo, the same files are built by Hugo with its default related configuration
(indices keywords 100, date 10, tags 80; threshold 80; includeNewer false) and once more
with includeNewer true, and a minimal template writes each page's
`.Site.RegularPages.Related` (first 5) as JSON. Hugo reads title, date and tags of this
front matter (there are no keywords); the other fields are page parameters it ignores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gen_corpus as gc  # noqa: E402

from bench_curation import load_briefs  # noqa: E402
from sitegen.config import RelatedConfig  # noqa: E402
from sitegen.related import compute_related  # noqa: E402

SHOWN = 5
"""List length read from each tool (sitegen's default related.count)."""

_SYLLABLES = ["ka", "lo", "ve", "ri", "tan", "mor", "quas", "zel", "dra", "vin", "sol", "thar", "nex", "ori",
              "pal", "cor", "bel", "stra", "mi", "ren", "tal", "vey", "osk", "ul", "fen", "gar", "hes", "jun"]
TITLES = ["{e} {verb} {prod} {ctx}", "{p} {verb} {e} {ctx}", "{p}'s {e} {verb} {prod}", "{e} {d} {ctx}",
          "{p} {verb} {e} {d} in {r}", "{o} {verb} {e} {d}", "{e} {verb} {d} {ctx}", "{p} {verb} {prod} for {e}"]
"""Thread titles: {e} the subject, {p} its parent company, {d} the story word or a product; every
other word from gen_corpus's title vocabulary, so that only the subject is rare."""
STORY_WORDS = ["recall", "outage", "breach", "antitrust", "buyout", "strike", "tariff", "subsidy", "lawsuit",
               "layoffs", "listing", "merger", "shortage", "pricing", "licensing", "audit", "probe", "rollout",
               "exodus", "boycott"]
GENERIC = ["ai", "cloud", "security"]
"""Tags added to briefs of every kind, as on a real tech-news site."""

# Summaries: gen_corpus writes one of 32 fixed sentences (three with no slot at all, so one
# brief in ten has a summary that hundreds of others have word for word, which no real site
# has). Here a summary is put together from independent phrases: briefs share common words,
# not sentences.
_WHO = ["Analysts", "Customers", "Investors", "Engineers", "Rivals", "Partners", "Unions", "Suppliers",
        "Developers", "Resellers", "Auditors", "Insurers", "Lawmakers", "Shareholders", "Early adopters",
        "Procurement teams", "Security researchers", "Industry groups"]
_REACT = ["expect", "warn of", "push back on", "welcome", "question", "plan around", "doubt", "brace for",
          "lobby against", "quietly prepare for", "ask for details on", "are split over", "shrug off",
          "want guarantees about", "see an opening in", "count the cost of"]
_WHAT = ["higher prices for the {p}", "a slower rollout of the {p}", "new limits on the {p}", "fewer jobs in {r}",
         "a shift of spending toward {c2}", "tighter rules in {r}", "longer lead times for the {p}",
         "a second round of cuts", "more scrutiny from {o}", "cheaper access to the {p}",
         "a scramble for capacity in {r}", "a delayed launch in {r}", "renegotiated contracts with {c2}",
         "the end of the free tier", "a costly migration off the {p}", "new reporting duties",
         "a price war with {c2}", "a smaller budget for the {p}", "a bigger role for partners in {r}"]
_WHY = ["as demand shifts", "after a weak quarter", "while the details are unsettled", "before the next budget cycle",
        "now that {c} has confirmed the plan", "as costs keep rising", "with a deadline in {q}",
        "despite earlier promises", "once the pilot ends", "as supply stays tight", "after months of delays",
        "while {o} reviews the case", "because margins are thin", "as competition heats up"]


def make_summary(rng: random.Random, company: str, story: str | None = None) -> str:
    """One sentence: who reacts how to what, and why; about `company`, sometimes its story word."""
    slots = dict(c=company, c2=rng.choice(gc.COMPANIES), p=rng.choice(gc.PRODUCTS), r=rng.choice(gc.REGIONS),
                 o=rng.choice(gc.ORGS), q=f"Q{rng.randint(1, 4)}")
    who = rng.choice([company, f"{company}'s customers", *_WHO])
    what = rng.choice(_WHAT).format(**slots)
    if story and rng.random() < 0.4:
        what += f" over the {story}"
    return f"{who} {rng.choice(_REACT)} {what} {rng.choice(_WHY).format(**slots)}."


def subject_names(rng: random.Random, count: int) -> list[str]:
    """Invented, unique names that are no word of the other vocabularies."""
    taken = {w.casefold() for w in gc.COMPANIES + gc.PRODUCTS + STORY_WORDS}
    out: list[str] = []
    while len(out) < count:
        name = "".join(rng.sample(_SYLLABLES, rng.choice([2, 2, 3]))).capitalize()
        if name.casefold() not in taken:
            taken.add(name.casefold())
            out.append(name)
    return out


def cluster_tags(rng: random.Random, cluster: list[str], k: int) -> list[str]:
    """k tags of a cluster, skewed toward its head as gen_corpus does."""
    tags: list[str] = []
    while len(tags) < k:
        t = cluster[min(int(rng.paretovariate(1.2)) - 1, len(cluster) - 1)]
        if t not in tags:
            tags.append(t)
    return tags


def restyle(base: dict, *, slug: str, title: str, when: dt.datetime, summary: str, tags: list[str],
            rng: random.Random) -> dict:
    """A generated brief (body, metrics, timeline, source) given a new subject."""
    src_name, src_base = rng.choice(gc.SOURCES)
    return dict(base, slug=slug, title=title, date=when.replace(microsecond=0), summary=summary, tags=tags,
                audience=rng.sample(gc.AUDIENCES, rng.randint(1, 2)),
                source={"name": src_name, "url": f"{src_base}/{when:%Y/%m/%d}/{slug}"})


def make_corpus(n: int, seed: int) -> tuple[list[dict], dict[str, int]]:
    """(briefs, slug -> thread number) for the briefs that belong to a thread."""
    rng = random.Random(f"threads:{seed}")
    n_threads, n_roundups = n // 50, n // 250
    sizes = [rng.randint(3, 6) for _ in range(n_threads)]
    n_background = n - sum(sizes) - 2 * n_threads - n_roundups
    assert n_background > n // 2, "corpus too small for its threads"
    background = [gc.make_brief(i, seed) for i in range(n_background)]
    for b in background:
        b["summary"] = make_summary(rng, b["title"].split(" ")[0], rng.choice(STORY_WORDS))
    first, last = background[-1]["date"], background[0]["date"]
    span = (last - first).total_seconds()
    names = subject_names(rng, n_threads)
    briefs = list(background)
    thread_of: dict[str, int] = {}
    subjects: list[tuple[str, int]] = []  # (subject, cluster)
    extra = 0

    def base() -> dict:
        nonlocal extra
        extra += 1
        return gc.make_brief(n + extra, seed)

    for t, (size, name) in enumerate(zip(sizes, names)):
        parent = rng.choice(gc.COMPANIES[:48])  # Latin-script names: titles stay readable
        story = rng.choice(STORY_WORDS)
        ci = rng.randrange(len(gc.TAG_CLUSTERS))
        cluster = gc.TAG_CLUSTERS[ci]
        subjects.append((name, ci))
        gaps = [dt.timedelta(days=rng.randint(30, 90) if rng.random() < 0.15 else rng.randint(1, 21),
                             hours=rng.randint(0, 23)) for _ in range(size - 1)]
        start = first + dt.timedelta(seconds=rng.uniform(0, span - sum(gaps, dt.timedelta()).total_seconds()))
        when = start
        for k in range(size):
            if k:
                when += gaps[k - 1]
            in_tags = rng.random() < 0.8
            in_title = rng.random() < 0.85 or not in_tags
            slots = dict(e=name, p=parent, prod=rng.choice(gc.PRODUCTS),
                         d=story if rng.random() < 0.5 else rng.choice(gc.PRODUCTS), verb=rng.choice(gc.VERBS),
                         ctx=rng.choice(gc.CONTEXTS), r=rng.choice(gc.REGIONS), o=rng.choice(gc.ORGS))
            title = (rng.choice(TITLES).format(**slots) if in_title else  # else the subject is only a tag
                     f"{parent} {rng.choice(gc.VERBS)} {rng.choice(gc.PRODUCTS)} {rng.choice(gc.CONTEXTS)}")
            title = title[0].upper() + title[1:]
            about = name if in_title and rng.random() < 0.5 else parent
            tags = cluster_tags(rng, cluster, rng.randint(1, 3))
            if rng.random() < 0.4:
                tags.append(rng.choice([g for g in GENERIC if g not in tags] or GENERIC[:1]))
            if in_tags:
                tags.insert(rng.randrange(len(tags) + 1), name.casefold())
            slug = f"{gc.slugify(title)[:50].rstrip('-')}-t{t:04d}-{k}"
            briefs.append(restyle(base(), slug=slug, title=title, when=when, summary=make_summary(rng, about, story),
                                  tags=list(dict.fromkeys(tags)), rng=rng))
            thread_of[slug] = t
        # Near misses: the parent company, the generic tags, the same weeks; another subject.
        for k in range(2):
            near = start + (when - start) * rng.random() + dt.timedelta(days=rng.randint(-7, 7))
            d = story if rng.random() < 0.3 else rng.choice(gc.PRODUCTS)
            title = f"{parent} {rng.choice(gc.VERBS)} {d} {rng.choice(gc.CONTEXTS)}"
            title = title[0].upper() + title[1:]
            tags = cluster_tags(rng, cluster, rng.randint(2, 3))
            if rng.random() < 0.5:
                tags.append(rng.choice(GENERIC))
            briefs.append(restyle(base(), slug=f"{gc.slugify(title)[:50].rstrip('-')}-n{t:04d}-{k}", title=title,
                                  when=near, summary=make_summary(rng, parent, d), tags=list(dict.fromkeys(tags)), rng=rng))
    for r in range(n_roundups):
        picks = rng.sample(range(n_threads), 3)
        ci = subjects[picks[0]][1]
        cluster = gc.TAG_CLUSTERS[ci]
        when = first + dt.timedelta(seconds=rng.uniform(0, span))
        title = f"This week in {cluster[0]}: {rng.choice(gc.CONTEXTS)}"
        summary = (f"Notes on {subjects[picks[0]][0]}, {subjects[picks[1]][0]} and {subjects[picks[2]][0]}, "
                   f"and what {rng.choice(gc.COMPANIES)} said about {rng.choice(gc.PRODUCTS)}.")
        briefs.append(restyle(base(), slug=f"week-in-{cluster[0]}-r{r:04d}", title=title, when=when,
                              summary=summary, tags=[cluster[0], *cluster_tags(rng, cluster, 2)], rng=rng))
    assert len(briefs) == n and len({b["slug"] for b in briefs}) == n
    return briefs, thread_of


def write_corpus(briefs: list[dict], thread_of: dict[str, int], out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    folder = out / "content" / "briefs"
    folder.mkdir(parents=True)
    for b in briefs:
        (folder / f"{b['slug']}.md").write_text(gc.yaml_front_matter(b) + b["body"], encoding="utf-8")
    (out / "threads.json").write_text(json.dumps(thread_of, indent=0, sort_keys=True), encoding="utf-8")


def score(lists: dict[str, list[str]], thread_of: dict[str, int]) -> dict[str, float]:
    """Recall of thread-mates and precision of the first three shown, over all thread briefs."""
    members: dict[int, set[str]] = {}
    for slug, t in thread_of.items():
        members.setdefault(t, set()).add(slug)
    found = mates = right3 = shown3 = empty = 0
    shown = 0
    for slug, t in thread_of.items():
        want = members[t] - {slug}
        got = lists.get(slug, [])
        found += len(want & set(got))
        mates += len(want)
        right3 += len(want & set(got[:3]))
        shown3 += len(got[:3])
        empty += not got
        shown += len(got)
    return {"recall": found / mates, "precision3": right3 / shown3 if shown3 else 0.0,
            "empty": empty, "mean_shown": shown / len(thread_of)}


def sitegen_lists(site: Path, config: RelatedConfig) -> tuple[dict[str, list[str]], float]:
    briefs = load_briefs(site)
    start = time.perf_counter()
    related = compute_related(briefs, config)
    elapsed = time.perf_counter() - start
    return {slug: [link.slug for link in links] for slug, links in related.items()}, elapsed


HUGO_CONFIG = """\
baseURL = "http://localhost/"
title = "threads"
contentDir = "{content}"
disableKinds = ["taxonomy", "term", "section", "rss", "sitemap", "robotstxt", "404"]
[outputs]
  home = ["json"]
[[cascade]]
  [cascade.build]
    render = "never"
  [cascade.target]
    kind = "page"
"""
HUGO_INCLUDE_NEWER = """\
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "keywords"
    weight = 100
  [[related.indices]]
    name = "date"
    weight = 10
  [[related.indices]]
    name = "tags"
    weight = 80
"""
HUGO_TEMPLATE = """\
{
{{- range $i, $p := site.RegularPages -}}
  {{- $names := slice -}}
  {{- range first %d (site.RegularPages.Related $p) -}}
    {{- $names = $names | append .File.ContentBaseName -}}
  {{- end -}}
  {{- if $i }},{{ end }}
{{ $p.File.ContentBaseName | jsonify }}: {{ $names | jsonify }}
{{- end }}
}
""" % SHOWN


def hugo_lists(hugo: str, site: Path, include_newer: bool) -> tuple[dict[str, list[str]], float]:
    work = site / ("hugo-newer" if include_newer else "hugo")
    if work.exists():
        shutil.rmtree(work)
    (work / "layouts").mkdir(parents=True)
    config = HUGO_CONFIG.format(content=(site / "content").resolve())
    (work / "hugo.toml").write_text(config + (HUGO_INCLUDE_NEWER if include_newer else ""), encoding="utf-8")
    (work / "layouts" / "home.json").write_text(HUGO_TEMPLATE, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([hugo, "--source", str(work), "--quiet", "--noBuildLock"], check=True)
    elapsed = time.perf_counter() - start
    lists = json.loads((work / "public" / "index.json").read_text(encoding="utf-8"))
    return {slug: names or [] for slug, names in lists.items()}, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="briefs in all (default 10,000)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, help="corpus folder (default bench-out/threads-N-SEED)")
    parser.add_argument("--hugo", help="a hugo binary: also measure Hugo's related content")
    args = parser.parse_args()
    out = args.out or ROOT / "bench-out" / f"threads-{args.n}-{args.seed}"
    briefs, thread_of = make_corpus(args.n, args.seed)
    write_corpus(briefs, thread_of, out)
    sizes: dict[int, int] = {}
    for t in thread_of.values():
        sizes[t] = sizes.get(t, 0) + 1
    print(f"{args.n:,} briefs in {out}: {len(sizes)} threads of 3-6 ({len(thread_of):,} briefs), "
          f"{2 * len(sizes)} near misses, {args.n // 250} round-ups, the rest background\n")
    rows = []
    lists, elapsed = sitegen_lists(out, RelatedConfig())
    rows.append(("sitegen", "defaults (count 5, threshold 0.25)", score(lists, thread_of), elapsed, "compute_related"))
    if args.hugo:
        for newer in (False, True):
            lists, elapsed = hugo_lists(args.hugo, out, newer)
            label = "defaults + includeNewer" if newer else "defaults (includeNewer false)"
            rows.append(("Hugo", label, score(lists, thread_of), elapsed, "whole build"))
    print("| tool | related config | recall of thread-mates | top-3 precision | thread briefs with no list "
          "| mean list length | time s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for tool, label, s, elapsed, what in rows:
        print(f"| {tool} | {label} | {s['recall']:.3f} | {s['precision3']:.3f} | {s['empty']:,} | "
              f"{s['mean_shown']:.2f} | {elapsed:.1f} ({what}) |")


if __name__ == "__main__":
    main()
