"""`powerctl rules [CODE]`: the rule list, or one rule's documentation (read without importing the rules)."""

from __future__ import annotations

from typing import Annotated

import typer

from powerctl.cli.fast import show_rules


def command(
    code: Annotated[str | None, typer.Argument(help="规则代码（如 B101）或名称（如 no-legal-basis）")] = None,
) -> None:
    status = show_rules(code)
    if status:
        raise typer.Exit(status)
