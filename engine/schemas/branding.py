"""Who a client report is from and for: the consultant's branding, passed to the renderers."""

from __future__ import annotations

import datetime
from pathlib import Path

from pydantic import Field

from .base import Frozen


class ReportBranding(Frozen):
    """The lines a consultant puts on a report before sending it; every field may be empty."""

    prepared_by: str = Field(default="", description="who wrote it: a name, a firm")
    prepared_for: str = Field(default="", description="who it is for: the client")
    logo: Path | None = Field(
        default=None,
        description="a local image file (PNG, JPEG, GIF, WebP or SVG), embedded in the report",
    )
    date: datetime.date | None = Field(
        default=None, description="the date printed on the report; None for the day it is made"
    )
