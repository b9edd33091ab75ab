"""What every command shares: ending with a message on stderr and an exit code."""

from __future__ import annotations

import sys

import typer


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` to stderr; return the Exit to raise (2: usage, configuration or internal error)."""
    sys.stderr.write(message + "\n")
    return typer.Exit(code)
