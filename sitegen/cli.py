"""Command line: subcommands, and user errors turned into a report and exit code 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.pipeline import BuildOptions, build


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
    b.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    b.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: one per core)")

    r = sub.add_parser("related", help="explain the related updates of one brief",
                       description="Print the top related candidates for SLUG with the score broken down by signal.")
    r.add_argument("slug", metavar="SLUG")
    r.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR")
    r.add_argument("--limit", "-n", type=int, default=10, help="how many candidates to show (default: 10)")
    r.add_argument("--drafts", action="store_true", help="include drafts")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "related":
            from sitegen.explain import explain_related

            print(explain_related(BuildOptions(args.site_dir, drafts=args.drafts), args.slug, args.limit))
            return 0
    except SitegenError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:  # the machine, not the input: still a message, not a traceback
        print(f"sitegen: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def _build(args: argparse.Namespace) -> int:
    result = build(BuildOptions(args.site_dir, args.output, args.base_url, args.drafts, args.jobs))
    if not args.quiet:
        print(f"built {result.pages} pages ({result.files} files) into {result.output} in {result.seconds:.2f}s")
    return 0
