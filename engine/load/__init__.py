"""Stage 2, for everyone: read YAML with positions, validate it against the schemas, check
cross-references, and keep parsed and checked results in the product cache.

May import: errors, schemas, rules.
"""
