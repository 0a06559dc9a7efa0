"""The Jinja environment: layout lookup, filters, and template errors with file:line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import markupsafe

from sitegen.brieffields import SECTIONS_TEMPLATE, sections_template
from sitegen.colors import accent_palette
from sitegen.config import SiteConfig
from sitegen.emailhtml import inline_css, plain_text, wrap
from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation, line_of
from sitegen.languages import language_homes
from sitegen.localize import format_day, format_moment, format_percent, separators
from sitegen.numbers import format_value, parse_change
from sitegen.urls import href, path_for, term_path_of


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or the repository's layouts/."""
    packaged = Path(__file__).parent / "layouts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "layouts"


def make_environment(site_dir: Path, config: SiteConfig, nav: tuple[tuple[str, str], ...] = (),
                     style: str = "") -> jinja2.Environment:
    """Site layouts/ first, then the built-in theme; the theme also as 'default/<name>'."""
    # The theme's files, plus the brief-page sections generated from the field table.
    theme = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(builtin_theme_dir())),
                                 jinja2.DictLoader({SECTIONS_TEMPLATE: sections_template()})])
    loaders: list[jinja2.BaseLoader] = []
    site_layouts = site_dir / "layouts"
    if site_layouts.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(site_layouts)))
    loaders += [jinja2.PrefixLoader({"default": theme}), theme]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # Theme strings: {{ _("Key takeaways") }} and {% trans count=n %}...{% pluralize %}...{% endtrans %}
    # look up config.messages (the catalogs, part of the config so render keys cover them).
    # newstyle: placeholders are filled (and escaped) by Jinja, so a translation may reorder them.
    messages = config.messages
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(messages.lookup, messages.nlookup, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_gettext_callables(messages.lookup, messages.nlookup))
    # A label that may come from content (a plain page's title in the nav): translated when the
    # catalog has it, and escaped like any value either way (_() would trust it as catalog text).
    env.globals["tr"] = lambda text: messages.lookup(text) if messages.has(text) else text
    language = config.language
    seps = separators(language)
    base_path = config.base_path
    origin = config.origin
    env.globals.update(
        url=lambda rel="": href(base_path, rel),
        abs_url=lambda rel="": origin + href(base_path, rel),
        # static/ and the search bundle: at the root of a multilingual site, for every language
        static_url=lambda rel="": href(config.static_path, rel),
        language_homes=language_homes(config),  # a multilingual site's switcher; () for one language
        site=config,
        brand=accent_palette(config.accent) if config.accent else None,
        nav=nav,
        kinds_style=markupsafe.Markup(style),  # CSS made by sitegen (the CJK @font-face), not from content
        # Fonts that CSS declares are found only once the stylesheet is parsed; fetched from the
        # start instead, the CJK subset is there before the first paint, so nothing shifts.
        font_preloads=tuple(FONT_URL.findall(style)),
        # Links to briefs, weeks and terms: one helper over urls.py, so no template types a path.
        url_for=lambda kind, *args: href(base_path, path_for(kind, *args)),
        term_rel=term_path_of,  # older site layouts call it: url(term_rel('tags', name))
        # Pieces of HTML that translated sentences take as placeholders, so a language can move them.
        time=lambda when, shown=None: markupsafe.Markup('<time datetime="{}">{}</time>').format(
            format_iso(when), format_day(when, language) if shown is None else shown),
        link=lambda target, text: markupsafe.Markup('<a href="{}">{}</a>').format(target, text),
        strong=lambda text: markupsafe.Markup("<strong>{}</strong>").format(text),
        percent=lambda rate: format_percent(rate, language),
    )
    env.globals.update(stylesheet=STYLESHEET_PATH, style_version=_style_version(env))
    env.filters.update(day=lambda when: format_day(when, language), moment=lambda when: format_moment(when, language),
                       iso=format_iso, change=parse_change,
                       metric=lambda m: format_value(m.value, m.unit, seps),
                       # the weekly email (layouts/email.html, email.txt): see sitegen/emailhtml.py
                       inline_css=inline_css, plain_text=plain_text, wrap=wrap)
    for name in CACHED_PARTIALS:  # compiled last: they use the filters above
        _cache_partial(env, name)
    return env


def _gettext_callables(lookup: Callable[[str], str], nlookup: Callable[[str, str, int], str]) -> dict[str, Any]:
    """What jinja2.ext's newstyle gettext, ngettext and `_` do, in one call each: Jinja's own
    `_` resolves `gettext` and calls it, which calls `lookup`, each through Context.call, and
    that was a quarter of rendering a brief page (a page makes 20 to 60 such calls)."""

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, __string: str, **variables: Any) -> str:
        rv = lookup(__string)
        return (markupsafe.Markup(rv) if eval_ctx.autoescape else rv) % variables

    @jinja2.pass_eval_context
    def ngettext(eval_ctx: jinja2.nodes.EvalContext, __singular: str, __plural: str, __num: int,
                 **variables: Any) -> str:
        variables.setdefault("num", __num)
        rv = nlookup(__singular, __plural, __num)
        return (markupsafe.Markup(rv) if eval_ctx.autoescape else rv) % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


FONT_URL = re.compile(r'url\("([^"]+\.woff2)"\)')
STYLESHEET = "stylesheet.css"
"""The template of the site's one stylesheet; the `stylesheet` page kind writes it to STYLESHEET_PATH."""
STYLESHEET_PATH = "assets/style.css"


def _style_version(env: jinja2.Environment) -> str:
    """A digest of the stylesheet as rendered: pages link `style.css?v=<it>`, so browsers and
    CDNs may cache the file for good and still get each new version."""
    try:
        css = env.get_template(STYLESHEET).render()
    except jinja2.TemplateError:
        return "0"  # the stylesheet's own page job reports the error, with its file and line
    return hashlib.blake2b(css.encode("utf-8"), digest_size=6).hexdigest()


CACHED_PARTIALS = ("partials/brief-card.html", "partials/card-meta.html", "partials/tldr-compact.html")
"""Partials that lists include once per brief, so the same card is rendered again on every list
showing it (a brief is on 6 to 10 lists): each keeps its output by the values it reads."""
PARTIAL_CACHE_ENTRIES = 50_000
"""Bounds a partial's kept outputs (about 1 KB each); serve keeps an Environment across edits."""

_PLAIN = frozenset({str, int, float, bool, type(None), markupsafe.Markup})


def _cache_partial(env: jinja2.Environment, name: str) -> None:
    """Make `name` (as this Environment has it, a site's override too) remember its output by
    the values of every name it and the templates it reaches read from its context. A value is
    keyed by its type and value (plain types) or by identity (frozen dataclasses, tuples,
    dates, functions: what page contexts hold), and kept alive with the output, so an identity
    is never reused while it is a key. Any other value (a list, a dict, a namespace, a loop)
    means the partial is rendered as usual."""
    try:
        template = env.get_template(name)
        names = _free_names(env, name)
    except (jinja2.TemplateError, OSError):
        return  # missing, or broken: rendering reports it where it is used
    if names is None:
        return
    render = template.root_render_func
    kept: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}

    def cached(context: jinja2.runtime.Context) -> Iterator[str]:
        values = tuple(context.resolve_or_missing(n) for n in names)
        key = _key(values)
        if key is None:
            yield from render(context)
            return
        hit = kept.get(key)
        if hit is None:
            if len(kept) >= PARTIAL_CACHE_ENTRIES:
                kept.clear()
            hit = kept[key] = (env.concat(render(context)), values)  # type: ignore[attr-defined]
        yield hit[0]

    template.root_render_func = cached  # type: ignore[method-assign]


def _key(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    key: list[Any] = []
    for v in values:
        t = type(v)
        if t in _PLAIN:
            key.append((t, v))
        elif (v is jinja2.utils.missing or t is tuple or isinstance(v, (dt.date, Callable))
              or dataclasses.is_dataclass(v) and v.__dataclass_params__.frozen):  # type: ignore[union-attr]
            key.append(id(v))
        else:
            return None
    return tuple(key)


def reachable(name: str, refs_of: Callable[[str], Iterable[str] | None]) -> set[str] | None:
    """The template `name` and every template it includes, imports or extends, through
    `refs_of` (a template's direct references); None when one is chosen by an expression
    (refs_of returned None). Shared by the card memo here and the render keys (cache.py)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        refs = refs_of(n)
        if refs is None:
            return None
        todo.extend(refs)
    return seen


def _free_names(env: jinja2.Environment, name: str) -> tuple[str, ...] | None:
    """Every name the template and those it includes, imports or extends read from outside
    themselves (a superset is safe); None when one is chosen by an expression."""
    names: set[str] = set()

    def refs_of(n: str) -> list[str] | None:
        source, _, _ = env.loader.get_source(env, n)  # type: ignore[union-attr]
        ast = env.parse(source)
        names.update(jinja2.meta.find_undeclared_variables(ast))
        refs = list(jinja2.meta.find_referenced_templates(ast))
        return None if None in refs else [r for r in refs if r]

    return None if reachable(name, refs_of) is None else tuple(sorted(names))


def format_iso(when: Any) -> str:
    """Machine dates (datetime attributes) stay ISO 8601 in every language."""
    return when.isoformat()


def template_diagnostic(site_dir: Path, exc: Exception, rendering: str) -> Diagnostic:
    """Name the template file and line of a Jinja error (syntax or runtime)."""
    filename, lineno = None, 1
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename, lineno = exc.filename, exc.lineno or 1
    else:
        # Jinja rewrites tracebacks so template frames carry the template's file and line.
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt", ".css", ".json")):
                filename, lineno = frame.filename, frame.lineno or 1
                break
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    else:
        message = f"template error: {getattr(exc, 'message', None) or exc}"
    shown = _shown(site_dir, filename) if filename else "layouts"
    text = Path(filename).read_text(encoding="utf-8", errors="replace") if filename and Path(filename).is_file() else ""
    return Diagnostic(SourceLocation(shown, lineno, 1), f"{message} (while rendering {rendering})",
                      "fix the template; the page was not written", line_of(text, lineno), code=Code.TEMPLATE)


def _shown(site_dir: Path, filename: str) -> str:
    path = Path(filename)
    for base in (site_dir.resolve(), builtin_theme_dir().resolve().parent):
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            continue
    return filename


def render_template(env: jinja2.Environment, site_dir: Path, name: str, context: dict[str, Any], rendering: str) -> str:
    try:
        return env.get_template(name).render(context)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError) as e:
        raise BuildFailed([template_diagnostic(site_dir, e, rendering)]) from None
