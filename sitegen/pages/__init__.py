"""Page kinds: one module per kind of output, and the registry (registry.py) that lists them.

Each kind module declares a `KIND` (kind.PageKind): the jobs it makes for a Site, what
those jobs read, the URL segments it owns and the header links it adds. Builds, serve's
fast paths and the reserved slugs all loop over the registry; nothing else names the kinds.
"""
