"""sitegen: a static-site generator for curated news briefs."""

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml, `sitegen --version` and the pin that
`sitegen init` writes all read it."""

DISTRIBUTION = "sitegen-briefs"
"""The name on the package index. `sitegen` there is an unrelated project; the command and the
import package are still `sitegen`. pyproject.toml's `name` must match (a test holds them together)."""
