"""Stage 5, for auditors and consultants: turn a run into a diagnosis and staged plan with
HOW trees, answer why-not questions, diff two reports, and export the support graph.

May import: errors, schemas, load, rules. Never experta: explanations read the run's trace.
"""
