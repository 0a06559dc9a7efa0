"""Regenerate the README's generated sections: the brief front-matter reference (from the field
table) and the table of diagnostic codes (from sitegen/codes.py).

Run after adding or changing a row of sitegen/brieffields.py or a code:

    python tests/regen_readme.py

tests/test_brieffields.py and tests/test_codes.py fail while the README and the code disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BEGIN = "<!-- generated from sitegen/brieffields.py: python tests/regen_readme.py -->\n"
END = "<!-- end of generated reference -->\n"
CODES_BEGIN = "<!-- generated from sitegen/codes.py: python tests/regen_readme.py -->\n"
CODES_END = "<!-- end of generated codes -->\n"


def generated_part(readme: str, begin: str = BEGIN, end: str = END) -> str:
    """The text between the markers ('' when they are missing)."""
    start, stop = readme.find(begin), readme.find(end)
    return readme[start + len(begin): stop] if 0 <= start < stop else ""


def with_reference(readme: str, reference: str, begin: str = BEGIN, end: str = END) -> str:
    start, stop = readme.index(begin) + len(begin), readme.index(end)
    return readme[:start] + reference + "\n" + readme[stop:]


def main() -> int:
    sys.path.insert(0, str(REPO))
    from sitegen.brieffields import readme_reference
    from sitegen.codes import readme_table

    text = with_reference(README.read_text(encoding="utf-8"), readme_reference())
    text = with_reference(text, readme_table(), CODES_BEGIN, CODES_END)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
