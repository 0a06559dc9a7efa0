"""Every message the theme and sitegen show readers, found in the sources themselves.

Templates: Jinja's own extractor (`_()`, `gettext`, `ngettext` with literal text). Python: calls
of `gettext`, `ngettext` and `N_` with literal text. Plus the English names that are data
(brief-page section headings, taxonomy names) and are translated where they are shown.
The English catalog must list exactly these (tests/test_messages.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2

from sitegen.brieffields import BRIEF_FIELDS
from sitegen.model import TAXONOMY_KINDS
from sitegen.templates import builtin_theme_dir

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"


def template_messages() -> dict[str, str | None]:
    """msgid -> its English plural (None for a message without one)."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, str | None] = {}
    theme = builtin_theme_dir()
    for path in sorted(theme.rglob("*")):
        if path.suffix not in (".html", ".xml", ".txt") or "static" in path.parts:
            continue
        for _, func, message in env.extract_translations(path.read_text(encoding="utf-8")):
            if isinstance(message, tuple):
                if message[0] is not None:
                    found[message[0]] = message[1]
            elif message is not None:
                found.setdefault(message, None)
    return found


def python_messages() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            literal = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if name in ("gettext", "N_") and literal[0] is not None:
                found.setdefault(literal[0], None)
            elif name == "ngettext" and len(literal) > 1 and literal[0] is not None:
                found[literal[0]] = literal[1]
    return found


def data_messages() -> dict[str, None]:
    names = [f.heading[1] for f in BRIEF_FIELDS if f.partial and f.heading[0]]
    names += [n for k in TAXONOMY_KINDS for n in (k.singular, k.plural)]
    return dict.fromkeys(names)


def all_messages() -> dict[str, str | None]:
    return {**data_messages(), **python_messages(), **template_messages()}
