"""sitegen: a static-site generator for curated news briefs."""

__version__ = "0.1.0"
