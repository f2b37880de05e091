"""Stage 3: what the condition language means in plain Python (field tests, joins), and how
certainties combine. Used by the compiler, the runner and the why-not explanation alike.

May import: errors, schemas.
"""
