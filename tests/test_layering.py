"""Imports go one way: a module may import only modules earlier in ORDER.

Parsed with `ast`, so imports inside functions and under TYPE_CHECKING count too.
A new module must be given its place in ORDER: that is the point where its
dependencies are decided, rather than discovered later as an import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

ORDER = [
    "codes", "slotted", "errors", "progress", "reports", "jsonrecords", "clock", "hints", "numbers", "localize", "reading", "colors", "paths", "sitecache", "fonts", "socialcard", "webfont", "collector", "parallel", "memo", "yamlnodes", "messages", "urls", "config", "model", "frontmatter",
    "fieldreader", "briefshapes", "brieffields", "schema", "contract", "markdown", "content", "weekly", "taxonomy",
    "series", "stories", "relatedterms", "relatedbatch", "relatedindex", "relatedstate", "related",
    "assemble", "languages", "emailhtml", "templates", "render",
    "pages", "pages.kind", "pages.links", "pages.listing", "pages.feeds", "pages.home", "pages.social", "pages.webfont", "pages.brief", "pages.aliases", "pages.week",
    "pages.week_audience", "pages.week_email",
    "pages.weekly_archive", "pages.stories", "pages.predictions", "pages.term", "pages.term_index", "pages.plain", "pages.not_found", "pages.search", "pages.stylesheet", "pages.extras",
    "pages.registry",
    "writer", "cache", "buildcache", "uptodate", "lastbuild", "assets", "search", "pipeline", "explain", "digest", "deploy", "check", "scaffold", "briefimport", "serve", "cli",
]
"""Top to bottom. `serve` is a package: every module in it counts as `serve`. `pages` is a
package whose modules have places of their own ('pages.home'): its __init__ (a docstring) first,
then what kinds share (kind, links, listing), the kinds, and last the registry that lists them.
taxonomy (errors, model, urls) and explain (pipeline, relatedindex) were placed by what they import;
urls imports nothing of ours, so it sits early: the slug rules it defines are checked by schema;
pages.feeds comes before pages.term, whose pages link to the feeds of tags and audiences."""

PLUMBING = {"__init__", "__main__"}
"""`sitegen/__init__.py` holds the version (anyone may import it, it imports nothing of ours);
`__main__.py` is the `python -m sitegen` entry point (may import anything)."""


def layer_of(module: str) -> str:
    """'sitegen.serve.watch' -> 'serve'; 'sitegen.pages.home' -> 'pages.home' (it has a place of
    its own); 'sitegen.errors' -> 'errors'; 'sitegen' -> '__init__'."""
    parts = module.split(".")
    if len(parts) < 2:
        return "__init__"
    if len(parts) > 2 and any(layer.startswith(parts[1] + ".") for layer in ORDER):
        return f"{parts[1]}.{parts[2]}"
    return parts[1]


def source_modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (the serve/ package included)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file()


def imported(module: str, path: Path) -> set[str]:
    """Dotted names of the sitegen modules `module` imports."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from sitegen import errors` imports sitegen.errors; for `from sitegen.errors import X`
            # the extra name lands in the same layer. Names from sitegen/__init__.py that are not
            # modules (`__version__`, `DISTRIBUTION`) are package attributes.
            found |= {f"{target}.{alias.name}" for alias in node.names
                      if not (target == "sitegen" and not _is_module(alias.name))}
    return {name for name in found if name == "sitegen" or name.startswith("sitegen.")}


def layering_problems(modules: dict[str, Path]) -> list[str]:
    problems = []
    for module, path in modules.items():
        layer = layer_of(module)
        if layer not in ORDER and layer not in PLUMBING:
            problems.append(f"{module}: module '{layer}' has no place in the import order; "
                            f"add it to ORDER in tests/test_layering.py after everything it imports")
            continue
        layers = {layer_of(t): t for t in sorted(imported(module, path), reverse=True) if t != "sitegen"}
        for to, target in sorted(layers.items()):
            if layer == "__main__" or to == layer:
                continue
            if layer == "__init__":
                problems.append(f"sitegen/__init__.py imports {target}: the package root must stay import-free")
            elif to not in ORDER:
                problems.append(f"{module} imports {target}, which has no place in the import order; "
                                f"add '{to}' to ORDER in tests/test_layering.py")
            elif ORDER.index(to) > ORDER.index(layer):
                problems.append(f"{module} imports {target}, but '{to}' comes after '{layer}' in the order "
                                f"(imports go one way: {' < '.join(ORDER)})")
    return problems


def test_imports_go_one_way() -> None:
    problems = layering_problems(source_modules())
    assert not problems, "\n".join(problems)


def test_checker_catches_upward_and_unknown_imports(tmp_path: Path) -> None:
    """The test above would pass vacuously if the parser missed imports: prove it sees them."""
    fake = {
        "sitegen.errors": "from sitegen.pipeline import build\n",
        "sitegen.config": "def f():\n    from . import cli\n",
        "sitegen.schema": "import sitegen.errors\nfrom sitegen import hints\n",
        "sitegen.mystery": "",
        "sitegen.serve.watch": "from sitegen.serve import server\nfrom ..pipeline import build\n",
        "sitegen.pages.home": "from sitegen.pages.kind import PageKind\nfrom sitegen.pages import listing\n",
        "sitegen.pages.kind": "from .registry import DEFAULT\n",
        "sitegen.pages.mystery": "from sitegen.pages.kind import PageKind\n",
    }
    modules = {}
    for name, text in fake.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        modules[name] = path
    problems = layering_problems(modules)
    assert len(problems) == 5, problems
    assert "sitegen.errors imports sitegen.pipeline" in problems[0]
    assert "sitegen.config imports sitegen.cli" in problems[1]
    assert "module 'mystery' has no place" in problems[2]
    assert "sitegen.pages.kind imports sitegen.pages.registry" in problems[3]
    assert "sitegen.pages.mystery: module 'pages.mystery' has no place" in problems[4]
