#!/usr/bin/env python3
"""Check the built distributions before they are published (the release workflow runs this).

    python .ci/check_dist.py DIST_DIR [--tag vX.Y.Z] [--skip-install]

1. DIST_DIR holds exactly one wheel and one sdist, named for our distribution and version.
2. The wheel's metadata names the distribution and the version that sitegen/__init__.py declares,
   and the tag, when given, is that version with a leading v.
3. CHANGELOG.md has a section for the version.
4. The wheel carries every module of the package and every file of the built-in theme.
5. A wheel-only install, in a fresh virtual environment and a folder outside the checkout,
   runs `sitegen init` and `sitegen build` to a finished site.

Standard library only, so it runs before anything is installed. Exit 1 with every problem listed.
"""

from __future__ import annotations

import argparse
import ast
import email.parser
import os
import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def declared(name: str) -> str:
    """A string constant from sitegen/__init__.py, read without importing the checkout."""
    tree = ast.parse((REPO / "sitegen/__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"check_dist: sitegen/__init__.py does not declare {name}")


def expected_members() -> set[str]:
    """What the wheel must carry: every module of the package and every theme file."""
    members = {p.relative_to(REPO).as_posix() for p in (REPO / "sitegen").rglob("*.py")
               if "__pycache__" not in p.parts}
    members |= {"sitegen/layouts/" + p.relative_to(REPO / "layouts").as_posix()
                for p in (REPO / "layouts").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return members


def check_files(dist: Path, tag: str | None) -> tuple[list[str], Path | None]:
    problems: list[str] = []
    name, version = declared("DISTRIBUTION"), declared("__version__")
    stem = re.sub(r"[-_.]+", "_", name).lower()
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one wheel and one sdist in {dist}, found {len(wheels)} and {len(sdists)}"], None
    wheel, sdist = wheels[0], sdists[0]
    if not wheel.name.startswith(f"{stem}-{version}-"):
        problems.append(f"wheel {wheel.name} is not {stem}-{version}-*.whl")
    if sdist.name != f"{stem}-{version}.tar.gz":
        problems.append(f"sdist {sdist.name} is not {stem}-{version}.tar.gz")
    if tag is not None and tag != f"v{version}":
        problems.append(f"tag {tag} does not match the version {version} in sitegen/__init__.py (expected v{version})")
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## {re.escape(version)}\b", changelog, re.M):
        problems.append(f"CHANGELOG.md has no '## {version}' section")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta_name = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        if meta_name is None:
            problems.append("the wheel has no METADATA")
        else:
            meta = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8"))
            if meta["Name"] != name or meta["Version"] != version:
                problems.append(f"wheel metadata says {meta['Name']} {meta['Version']}, expected {name} {version}")
    missing = sorted(expected_members() - names)
    if missing:
        problems.append("the wheel lacks " + ", ".join(missing)
                        + " (list new packages under [tool.setuptools] packages in pyproject.toml)")
    return problems, wheel


def check_install(wheel: Path) -> list[str]:
    """Install only the wheel (dependencies from the index) and build a new site with it."""
    with tempfile.TemporaryDirectory(prefix="sitegen-dist-") as tmp:
        root = Path(tmp)
        venv.create(root / "venv", with_pip=True)
        bindir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"

        def run(*cmd: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900)

        steps = [
            [str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
            [str(bindir / "sitegen"), "--version"],
            [str(bindir / "sitegen"), "init", "site"],
            [str(bindir / "sitegen"), "build", "site"],
        ]
        for cmd in steps:
            result = run(*cmd)
            if result.returncode != 0:
                return [f"`{' '.join(cmd[-3:])}` failed ({result.returncode}):\n{result.stdout}{result.stderr}"]
        if not (root / "site/public/briefs/welcome/index.html").is_file():
            return ["`sitegen build` with the wheel did not write public/briefs/welcome/index.html"]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--tag", help="the git tag being released, e.g. v0.2.0")
    parser.add_argument("--skip-install", action="store_true", help="check the files only")
    args = parser.parse_args()
    problems, wheel = check_files(args.dist.resolve(), args.tag)
    if wheel is not None and not problems and not args.skip_install:
        problems += check_install(wheel)
    for problem in problems:
        print(f"check_dist: error: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {args.dist} is ready to publish")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
