"""Command line: subcommands, and user errors turned into a report and exit code 1."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sitegen import DISTRIBUTION, __version__
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SitegenError, SourceLocation, format_report
from sitegen.reports import FORMATS, github_commands, in_github_actions, json_lines
from sitegen.pipeline import BuildOptions, build
from sitegen.progress import Progress
from sitegen.sitecache import cache_root
from sitegen.urls import EMAIL_FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build static sites of curated news briefs from Markdown with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build the site into public/", description="Build SITE_DIR into its output folder.")
    b.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR", help="site folder (default: .)")
    b.add_argument("--output", "-o", type=Path, help="output folder (default: SITE_DIR/public)")
    b.add_argument("--base-url", help="absolute URL the site is served from; overrides base_url in sitegen.yaml")
    b.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    b.add_argument("--quiet", "-q", action="store_true", help="print nothing on success (and no progress)")
    b.add_argument("--timings", action="store_true", help="after the summary, print how long each stage took")
    _add_cache_options(b)
    b.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: one per core)")
    b.add_argument("--now", metavar="WHEN", help="build as of this moment (YYYY-MM-DD or ISO datetime): what is overdue; default: SOURCE_DATE_EPOCH, else now")
    _add_format(b)

    r = sub.add_parser("related", help="explain the related updates of one brief",
                       description="Print the top related candidates for SLUG with the score broken down by signal.")
    r.add_argument("slug", metavar="SLUG")
    r.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR")
    r.add_argument("--limit", "-n", type=int, default=10, help="how many candidates to show (default: 10)")
    r.add_argument("--drafts", action="store_true", help="include drafts")
    d = sub.add_parser("digest", help="print a week's newsletter-ready email",
                       description="Print the email of week WEEK (e.g. 2026-w47) to stdout: the same file a "
                       "build writes to weekly/WEEK/email.html (or email.txt, or an audience's).")
    d.add_argument("week", metavar="WEEK", help="ISO week as in the recap's URL, e.g. 2026-w47")
    d.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR", help="site folder (default: .)")
    d.add_argument("--audience", "-a", metavar="A", help="only this audience's briefs (its name or URL slug)")
    d.add_argument("--format", "-f", choices=EMAIL_FORMATS, default="html",
                   help="html (CSS inlined, for newsletter tools) or text (the plain-text alternative)")
    d.add_argument("--base-url", help="overrides base_url in sitegen.yaml (the email's links are absolute)")
    d.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    d.add_argument("--now", metavar="WHEN", help="build as of this moment (as build --now)")
    _add_authoring_commands(sub)
    k = sub.add_parser("clean", help="delete the build cache", description="Delete the site's build cache "
                       "(.sitegen/, or --cache-dir): parsed files, rendered pages, the search bundle, social cards. "
                       "The next build makes them again; the output folder is left as it is.")
    k.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR", help="site folder (default: .)")
    k.add_argument("--cache-dir", type=Path, metavar="DIR", help="the cache folder to delete (default: SITE_DIR/.sitegen)")
    _add_pipeline_commands(sub)
    return parser


def _add_cache_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="keep the build cache here (default: SITE_DIR/.sitegen; CI can save and restore it)")
    p.add_argument("--no-cache", action="store_true", help="read and keep no cache: every file parsed and rendered")


PIPELINE = ("schema", "import")


def _add_pipeline_commands(sub) -> None:  # type: ignore[no-untyped-def]
    s = sub.add_parser("schema", help="print the brief front-matter contract as JSON Schema",
                       description="Print the brief front matter (or sitegen.yaml, or an import record) as "
                       "JSON Schema, draft 2020-12: for editor completion and for structured output.")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--config", action="store_true", help="the schema of sitegen.yaml instead")
    which.add_argument("--record", action="store_true",
                       help="a brief as sitegen import reads it: the front matter plus 'body' (Markdown)")

    i = sub.add_parser("import", help="write briefs from JSON or JSON Lines records",
                       description="Check each record of FILE (a JSON array, a JSON object, or JSON Lines) with "
                       "the rules of a build and write it as content/briefs/<slug>.md. An invalid record, or one "
                       "that would overwrite a different file, is refused; the others are written.")
    i.add_argument("file", type=Path, metavar="FILE")
    i.add_argument("--site", type=Path, default=Path("."), metavar="SITE_DIR", help="site folder (default: .)")
    i.add_argument("--dry-run", "-n", action="store_true", help="list what would be written; write nothing")
    _add_format(i)


AUTHORING = ("serve", "new", "check", "init")


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="json: one JSON object per diagnostic on stdout (file, line, column, severity, code, "
                        "message, hint); everything else goes to stderr")


def _add_authoring_commands(sub) -> None:  # type: ignore[no-untyped-def]
    s = sub.add_parser("serve", help="preview the site with live reload",
                       description="Build, serve on loopback, rebuild on every change and reload open tabs.")
    s.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR", help="site folder (default: .)")
    s.add_argument("--port", "-p", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    s.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    s.add_argument("--output", "-o", type=Path, help="keep the live output here (default: a temporary folder)")
    s.add_argument("--base-url", help="overrides base_url in sitegen.yaml")
    s.add_argument("--jobs", "-j", type=int, default=None, help="worker processes for big rebuilds")
    s.add_argument("--now", metavar="WHEN", help="build as of this moment (YYYY-MM-DD or ISO datetime): what is overdue; default: SOURCE_DATE_EPOCH, else now")
    _add_cache_options(s)

    n = sub.add_parser("new", help="start a new brief", description="Create content/briefs/<slug>.md with the "
                       "whole front-matter skeleton, dated now in the site timezone. Never overwrites.")
    n.add_argument("title", metavar="TITLE")
    n.add_argument("--site", type=Path, default=Path("."), metavar="SITE_DIR", help="site folder (default: .)")
    n.add_argument("--slug", help="file name and URL slug (default: from the title)")
    n.add_argument("--draft", action="store_true", help="mark the brief draft: true")

    c = sub.add_parser("check", help="validate the site and its links without writing anything",
                       description="Everything build validates, plus internal links, anchors and images "
                       "(drafts included). Exits 1 listing every problem.")
    c.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR", help="site folder (default: .)")
    c.add_argument("--base-url", help="overrides base_url in sitegen.yaml")
    c.add_argument("--external", action="store_true", help="also request every http(s) link")
    c.add_argument("--timeout", type=float, default=10.0, help="seconds per external request (default: 10)")
    c.add_argument("--concurrency", type=int, default=8, help="external requests at once (default: 8)")
    c.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: one per core)")
    c.add_argument("--now", metavar="WHEN", help="build as of this moment (YYYY-MM-DD or ISO datetime): what is overdue; default: SOURCE_DATE_EPOCH, else now")
    _add_cache_options(c)
    _add_format(c)

    i = sub.add_parser("init", help="scaffold a new site", description="Create a site in DIR that builds at once: "
                       "sitegen.yaml, an example brief, .gitignore and a GitHub Pages workflow.")
    i.add_argument("dir", type=Path, metavar="DIR")
    i.add_argument("--title", help="site title (default: from the folder name)")
    i.add_argument("--install", metavar="SPEC",
                   help="what the Pages workflow installs: a URL such as "
                        "'git+https://github.com/OWNER/REPO@vX.Y.Z', or a requirement "
                        f"(default: {DISTRIBUTION}=={__version__})")


def _authoring(args: argparse.Namespace) -> int:
    if args.command == "serve":
        from sitegen.serve import ServeOptions, serve

        return serve(ServeOptions(args.site_dir, args.port, args.bind, args.drafts, args.output, args.base_url,
                                  args.jobs, args.now, args.cache_dir, args.no_cache))
    if args.command == "new":
        from sitegen.scaffold import new_brief

        print(f"created {new_brief(args.site, args.title, args.slug, args.draft)}")
        return 0
    if args.command == "check":
        from sitegen.check import check_site

        result = check_site(BuildOptions(args.site_dir, base_url=args.base_url, workers=args.jobs, now=args.now,
                                         cache_dir=args.cache_dir, no_cache=args.no_cache),
                            args.external, args.timeout, args.concurrency)
        json_out = args.format == "json"
        _annotate(args, [*result.warnings, *result.problems])
        if json_out:
            sys.stdout.write(json_lines([*result.warnings, *result.problems]))
        elif result.warnings:
            print(result.warnings_report(), file=sys.stderr)
        for line in result.schedule:
            print(f"scheduled: {line}", file=sys.stderr if json_out else sys.stdout)
        report = result.report().rsplit("\n", 1)[-1] if json_out else result.report()  # JSON carried the problems
        print(report, file=sys.stderr if result.problems or json_out else sys.stdout)
        return 1 if result.problems else 0
    from sitegen.scaffold import init_site

    written = init_site(args.dir, args.title, install=args.install)
    for path in written:
        print(f"created {path}")
    print(f"next: cd {args.dir} && sitegen serve")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "build":
            return _build(args)
        if args.command in AUTHORING:
            return _authoring(args)
        if args.command in PIPELINE:
            return _pipeline(args)
        if args.command == "digest":
            from sitegen.digest import digest

            text = digest(BuildOptions(args.site_dir, base_url=args.base_url, drafts=args.drafts, now=args.now),
                          args.week, args.audience, args.format)
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))  # the file's bytes, whatever the locale
            sys.stdout.buffer.flush()
            return 0
        if args.command == "clean":
            from sitegen.buildcache import clean

            removed = clean(args.cache_dir if args.cache_dir is not None else cache_root(args.site_dir))
            print(f"removed {removed}" if removed else "no cache to remove")
            return 0
        if args.command == "related":
            from sitegen.explain import explain_related

            print(explain_related(BuildOptions(args.site_dir, drafts=args.drafts), args.slug, args.limit))
            return 0
    except BuildFailed as e:
        _annotate(args, e.diagnostics)
        if getattr(args, "format", "text") == "json":
            sys.stdout.write(json_lines(e.diagnostics))
        else:
            print(str(e), file=sys.stderr)
        return 1
    except SitegenError as e:
        print(str(e), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`sitegen schema | head`): nothing is wrong, and Python must not
        # complain again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:  # the machine, not the input: still a message, not a traceback
        print(f"sitegen: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def _pipeline(args: argparse.Namespace) -> int:
    if args.command == "import":
        return _import(args)
    import json

    from sitegen.contract import brief_schema, config_schema

    schema = config_schema() if args.config else brief_schema(record=args.record)
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _import(args: argparse.Namespace) -> int:
    from sitegen.briefimport import import_records

    if not args.file.is_file():
        raise BuildFailed([Diagnostic(SourceLocation(str(args.file), 1, 1), "no such file",
                                      "give the path of a .json or .jsonl file", code=Code.UNREADABLE)])
    if not args.site.is_dir():  # a typo must not become a new folder of briefs
        raise BuildFailed([Diagnostic(SourceLocation(str(args.site), 1, 1), "site folder does not exist",
                                      "give the folder with sitegen.yaml and content/ as --site",
                                      code=Code.UNREADABLE)])
    json_out = args.format == "json"
    info = sys.stderr if json_out else sys.stdout
    verbs = {"write": "would write" if args.dry_run else "wrote", "unchanged": "unchanged"}
    counts = dict.fromkeys(("write", "unchanged", "refused"), 0)
    refused: list[Diagnostic] = []
    for outcome in import_records(args.site, args.file, str(args.file), args.dry_run):
        counts[outcome.action] += 1
        if outcome.action == "refused":
            refused += outcome.diagnostics
        else:
            print(f"{verbs[outcome.action]} {outcome.path}", file=info)
    _annotate(args, refused, Path("."))  # a record's location is FILE, as given from here
    if json_out:
        sys.stdout.write(json_lines(refused))
    elif refused:
        print(format_report(refused, f" in {args.file}; those records were not imported."), file=sys.stderr)
    written = "to write (dry run)" if args.dry_run else "written"
    print(f"{args.file}: {counts['write']} {written}, {counts['unchanged']} unchanged, {counts['refused']} refused",
          file=info)
    return 1 if refused else 0


def _build(args: argparse.Namespace) -> int:
    # The live progress line is for people at a terminal; logs and pipes get the summary only.
    progress = Progress(sys.stderr, live=not args.quiet and sys.stderr.isatty())
    result = build(BuildOptions(args.site_dir, args.output, args.base_url, args.drafts, args.jobs, now=args.now,
                                cache_dir=args.cache_dir, no_cache=args.no_cache), progress)
    for note in result.notes:  # e.g. "search is off: ...": the site is complete without it
        print(f"sitegen: {note}", file=sys.stderr)
    if not args.quiet:
        print(f"built {result.pages} pages ({result.files} files) into {result.output} in {result.seconds:.2f}s",
              file=sys.stderr if args.format == "json" else sys.stdout)
    if args.timings:
        print(progress.report(), file=sys.stderr if args.format == "json" else sys.stdout)
    return 0


def _annotate(args: argparse.Namespace, diagnostics: Sequence[Diagnostic], base: Path | None = None) -> None:
    """In GitHub Actions, each diagnostic also as a workflow command, so it shows on the pull
    request's changed lines. On stdout, unless stdout carries JSON (the runner reads both)."""
    if diagnostics and in_github_actions(os.environ):
        json_out = getattr(args, "format", "text") == "json"
        site_dir = base or getattr(args, "site_dir", None) or getattr(args, "site", None) or Path(".")
        print(github_commands(diagnostics, site_dir), end="", file=sys.stderr if json_out else sys.stdout)
