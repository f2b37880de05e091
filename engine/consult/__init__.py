"""For consultants: compare cultures, build a scenario by interview, what-if changes, and
batches of scenarios. Each composes the advice pipeline; none runs experta itself.

May import: errors, schemas, load, rules, run, explain, pipeline.
"""
