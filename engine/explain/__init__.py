"""Stage 5, for auditors and consultants: turn a run into a diagnosis and staged plan with
HOW trees, answer why-not questions, diff two reports, and export the support graph.

May import: errors, schemas, rules, load, run (its results, never experta: an explanation
reads the run's trace).
"""
