"""Pydantic models for every hand-off: KB files, scenarios, facts and results."""
