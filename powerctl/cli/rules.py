"""`powerctl rules [CODE]`: the rule list, or one rule's documentation."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def command(
    code: Annotated[str | None, typer.Argument(help="规则代码（如 B101）或名称（如 no-legal-basis）")] = None,
) -> None:
    from powerctl.rules import REGISTRY, lookup

    if code is None:
        width = max(len(s.name) for s in REGISTRY.values())
        for spec in REGISTRY.values():
            sys.stdout.write(f"{spec.code}  {spec.name:<{width}}  {spec.severity:<7}  {spec.summary}\n")
        return
    found = lookup(code)
    if found is None:
        sys.stderr.write(f"没有规则「{code}」；运行 powerctl rules 查看全部规则\n")
        raise typer.Exit(2)
    sys.stdout.write(f"# {found.code} {found.name}（{found.severity}）：{found.summary}\n\n{found.doc}\n")
