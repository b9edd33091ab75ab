"""`powerctl doctor`: what each command needs and whether this machine has it, with how to install what is
missing; exit 1 when something a command needs is missing."""

from __future__ import annotations

import itertools
import sys
import unicodedata
from pathlib import Path

import typer


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def command() -> None:
    from powerctl.config import ConfigError, find_root, load_config
    from powerctl.doctor import Check, checks, environment_note

    config_problem: list[Check] = []
    family = "Noto Sans CJK SC"
    try:
        family = load_config(find_root(Path.cwd())).font_family
    except ConfigError as exc:
        fix = "按提示修改 .powerctl.yaml"
        config_problem.append(Check("仓库配置 .powerctl.yaml", "全部命令", False, str(exc), fix=fix))
    out = sys.stdout
    out.write(f"powerctl 运行环境检查：{environment_note()}\n\n")
    out.flush()
    found: list[Check] = []
    for check in itertools.chain(config_problem, checks(family)):  # shown as each is done: some take a moment
        found.append(check)
        mark = "✓" if check.ok else ("✗" if check.required else "△")
        pad = " " * max(1, 28 - _width(check.name))
        out.write(f"  {mark} {check.name}{pad}{check.detail}\n")
        usage = f"用于：{check.used_by}" + ("" if check.required else "（可选）")
        out.write(f"      {usage}" + (f"；办法：{check.fix}" if not check.ok and check.fix else "") + "\n")
        out.flush()
    missing = [c.name for c in found if c.required and not c.ok]
    optional = [c.name for c in found if not c.required and not c.ok]
    out.write("\n")
    if missing:
        out.write(f"缺少 {len(missing)} 项必需的软件或数据：{'、'.join(missing)}（见 ✗ 行的安装方法）\n")
    else:
        out.write("必需的软件都已就绪。")
        out.write(f"可选的 {len(optional)} 项未就绪（△），不影响使用。\n" if optional else "\n")
    raise typer.Exit(1 if missing else 0)
