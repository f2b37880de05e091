"""Synergy Compass engine: load, check, compile, run and explain a cross-cultural knowledge base.

The public functions are in :mod:`engine.api`.
"""
