"""The pure core of Losen: everything that decides, with no Django and no other layer.

An import-linter contract (``pyproject.toml``) keeps this package free of Django and of
``losen.web``, ``losen.apps``, ``losen.api`` and ``losen.cli``.
"""
