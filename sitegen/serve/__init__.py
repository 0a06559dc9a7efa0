"""`sitegen serve`: incremental rebuilds, a local HTTP server, live reload and an error overlay."""

from sitegen.serve.session import ServeOptions, Session, serve

__all__ = ["ServeOptions", "Session", "serve"]
