"""The Synergy Compass engine: load, check, compile, run and explain a cross-cultural knowledge
base. Its parts, in the order data flows through them, are its subpackages; docs/architecture.md
says what each owns and which way imports go.

The public functions are in :mod:`engine.api`, re-exported by the package ``synergy_compass``.
"""
