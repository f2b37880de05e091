"""The scenario form (``/scenario``): a case described field by field, generated from the
scenario model, loaded from a file, pasted or started from an example, checked as the CLI
checks a file, saved as YAML and sent to the result page to be advised on."""

from .views import form

__all__ = ["form"]
