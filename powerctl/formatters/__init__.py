"""Formatters turn a Report into text for people or machines; picked by name from a plain dict."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from powerctl.check.report import Report

Formatter = Callable[[Report, bool], str]

# name → module (imported only when used, so start-up stays fast)
MODULES = {
    "text": "powerctl.formatters.text",
    "json": "powerctl.formatters.json",
    "sarif": "powerctl.formatters.sarif",
    "github": "powerctl.formatters.github",
    "gitlab": "powerctl.formatters.gitlab",
    "junit": "powerctl.formatters.junit",
}
NAMES = tuple(MODULES)


def get(name: str) -> Formatter:
    render: Formatter = importlib.import_module(MODULES[name]).render
    return render
