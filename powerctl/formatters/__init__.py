"""Formatters turn a Report into text for people or machines; picked by name from a dict."""

from __future__ import annotations

from collections.abc import Callable

from powerctl.report import Report

Formatter = Callable[[Report, bool], str]


def get(name: str) -> Formatter:
    if name == "json":
        from powerctl.formatters.json import render as render_json

        return render_json
    if name == "text":
        from powerctl.formatters.text import render as render_text

        return render_text
    raise KeyError(name)


NAMES = ("text", "json")
