"""Stage 6: what people and programs read. Text and JSON for the terminal, Markdown and HTML
documents with the comparison chart, and the text form of every other command's result.

May import: everything below api.
"""
