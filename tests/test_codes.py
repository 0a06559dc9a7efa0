"""Every diagnostic names a stable rule code, and the README's table of codes is the enum."""

from __future__ import annotations

import ast
from pathlib import Path

from regen_readme import CODES_BEGIN, CODES_END, README, generated_part
from sitegen.codes import Code, readme_table

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
CREATORS = {"Diagnostic", "YamlError"}


def _unnamed_calls() -> list[str]:
    """Every `Diagnostic(...)` / `YamlError(...)` in the package that does not pass code=."""
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in CREATORS and not any(k.arg == "code" for k in node.keywords):
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return missing


def test_every_diagnostic_sitegen_creates_names_its_rule() -> None:
    assert _unnamed_calls() == []


def test_codes_are_unique_and_shaped_sg_and_three_digits() -> None:
    codes = [c.code for c in Code]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 5 and c.startswith("SG") and c[2:].isdigit() for c in codes)
    assert str(Code.UNKNOWN_KEY) == "SG104 unknown-key"


def test_the_readme_table_of_codes_is_the_enum() -> None:
    table = generated_part(README.read_text(encoding="utf-8"), CODES_BEGIN, CODES_END)
    assert table == readme_table() + "\n", "README.md and sitegen/codes.py disagree: run python tests/regen_readme.py"
