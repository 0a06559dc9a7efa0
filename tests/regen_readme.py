"""Regenerate the README's brief front-matter reference from the field table.

Run after adding or changing a row of sitegen/brieffields.py:

    python tests/regen_readme.py

tests/test_brieffields.py fails while the README and the table disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BEGIN = "<!-- generated from sitegen/brieffields.py: python tests/regen_readme.py -->\n"
END = "<!-- end of generated reference -->\n"


def generated_part(readme: str) -> str:
    """The text between the markers ('' when they are missing)."""
    start, end = readme.find(BEGIN), readme.find(END)
    return readme[start + len(BEGIN): end] if 0 <= start < end else ""


def with_reference(readme: str, reference: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + reference + "\n" + readme[end:]


def main() -> int:
    sys.path.insert(0, str(REPO))
    from sitegen.brieffields import readme_reference

    README.write_text(with_reference(README.read_text(encoding="utf-8"), readme_reference()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
