"""The workspace's front door: the home page, with a way into each part."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..engine import api

pages = Blueprint("pages", __name__)


@pages.get("/")
def home() -> str:
    return render_template("home.html", examples=api.example_scenarios())
