"""Stage 4: the only door to experta. Compile a checked KB into an engine, turn a scenario into
input facts, run to quiescence, and say when the garbage collector may work meanwhile.

May import: errors, schemas, rules, load.
"""
