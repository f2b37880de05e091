"""For knowledge engineers: lint a KB, run its example scenarios as tests and measure their
coverage, write its Markdown catalogue, count it, and publish JSON Schemas of its files.

May import: errors, schemas, load, rules, run, explain, pipeline.
"""
