"""Client-ready reports: Markdown, one self-contained HTML page, and PDF printed from it.

Each format has its own module; this one is where callers find them. What they share (the
sections, the opening situation, sources, branding) is in :mod:`.report_parts`, the chart in
:mod:`.chart` and the appendix of reasons in :mod:`.appendix`.
"""

from __future__ import annotations

from .chart import chart_svg, chart_svgs
from .pdf import render_pdf
from .report_html import render_html
from .report_markdown import render_markdown

__all__ = ["chart_svg", "chart_svgs", "render_html", "render_markdown", "render_pdf"]
