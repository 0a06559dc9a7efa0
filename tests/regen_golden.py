"""Regenerate the golden output of tests/sites/*/ into each site's expected/ folder.

Run after an intended change to the output (templates, rendering, new pages):

    python tests/regen_golden.py

then review `git diff tests/sites/` before committing: every changed line is a change users see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN_SITES = ("basic",)
CARD = "card.png"
FONTS = "fonts"


def main() -> int:
    sys.path.insert(0, str(REPO))
    from sitegen.pipeline import BuildOptions, build

    for name in GOLDEN_SITES:
        site = REPO / "tests" / "sites" / name
        result = build(BuildOptions(site, output=site / "expected", workers=1))
        # The search index is binary and not byte-reproducible (test_search.py checks it).
        shutil.rmtree(site / "expected" / "pagefind", ignore_errors=True)
        # Social cards are PNGs whose bytes follow Pillow's and the fonts' versions: test_social.py
        # checks them, the golden output keeps the pages that point at them.
        for card in (site / "expected").rglob(CARD):
            card.unlink()
        shutil.rmtree(site / "expected" / FONTS, ignore_errors=True)  # likewise the CJK web font (test_webfont.py)
        print(f"{site.relative_to(REPO)}/expected: {result.files} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
