"""Repository root discovery and the repository config `.powerctl.yaml`, checked by its own schema."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from powerctl.source.boundary import HINT, Boundary, message
from powerctl.source.load import load_file

CONFIG_NAME = ".powerctl.yaml"
LEVELS = ("error", "warning", "info", "off")


class ConfigError(Exception):
    """The config cannot be used: a message with its position, exit code 2."""


@dataclass(frozen=True)
class Ignore:
    paths: tuple[str, ...]
    rules: frozenset[str] | None  # None: every rule
    reason: str | None

    def matches(self, file: str, rule: str) -> bool:
        if self.rules is not None and rule not in self.rules:
            return False
        posix = Path(file).as_posix()
        return any(fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(posix, pat.rstrip("/") + "/*") for pat in self.paths)


@dataclass(frozen=True)
class CodeProfile:
    pattern: re.Pattern[str]
    description: str


# The drawings' and documents' font. A TrueType-outline CJK font: cairo 1.16 (Debian 12) subsets the CFF outlines
# of Noto Sans CJK wrongly for some glyphs (如 among them: its charstring's subroutine is left out of the subset), so
# a PDF drawn in Noto Sans CJK can miss characters that its PNG shows; cairo subsets TrueType outlines correctly.
DEFAULT_FONT = "WenQuanYi Micro Hei"


@dataclass(frozen=True)
class Config:
    root: Path
    file: Path | None = None
    levels: dict[str, str] = field(default_factory=dict)
    ignores: tuple[Ignore, ...] = ()
    categories: tuple[str, ...] = ()
    code_profile: CodeProfile | None = None
    font_family: str = DEFAULT_FONT
    paper: str = "auto"  # flowcharts: auto, A4 or A3 (`powerctl.drawing.sheet`)
    duties: str = "auto"  # 一表's 责任事项 and 追责情形 columns: auto (when a power has them), on or off
    profile: str | None = None  # 权责清单: the rules of that profile are on (off otherwise)
    law_paths: tuple[str, ...] = ("laws",)
    text: str = ""  # the config file's text as parsed: what keys of later work are made from


def find_root(start: Path) -> Path:
    """The nearest ancestor holding `.powerctl.yaml`, else the git root, else ``start``."""
    start = start.resolve()
    for d in (start, *start.parents):
        if (d / CONFIG_NAME).is_file():
            return d
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return start


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root)
    from powerctl.source.schema import CONFIG_SCHEMA, SchemaChecker

    target = Boundary.of(root).escape(path)
    if target is not None:  # never read: its lines would be printed with the first problem
        raise ConfigError(f"{path}: 配置文件是{message(target)}（{HINT}）")
    doc = load_file(path)
    problems = doc.problems or SchemaChecker.named(CONFIG_SCHEMA).check(doc)
    if problems:
        p = problems[0]
        raise ConfigError(f"{p.span.file}:{p.span.line}:{p.span.column}: 配置文件有误：{p.message}（{p.hint}）")
    data = doc.data or {}
    ignores = tuple(
        Ignore(
            tuple(i["paths"]),
            frozenset(i["rules"]) if "rules" in i else None,
            i.get("reason"),
        )
        for i in data.get("ignore", [])
    )
    profile = None
    if "code_profile" in data:
        cp = data["code_profile"]
        try:
            profile = CodeProfile(re.compile(cp["pattern"]), cp.get("description", ""))
        except re.error as exc:
            span = doc.span(("code_profile", "pattern"))
            raise ConfigError(f"{span.file}:{span.line}:{span.column}: 事项编码正则表达式无效：{exc}") from exc
    return Config(
        root=root,
        file=path,
        text=doc.text,
        levels=dict(data.get("rules", {})),
        ignores=ignores,
        categories=tuple(data.get("categories", [])),
        code_profile=profile,
        font_family=data.get("fonts", {}).get("family", DEFAULT_FONT),
        paper=data.get("paper", "auto"),
        duties=data.get("table", {}).get("duties", "auto"),
        profile=data.get("profile"),
        law_paths=tuple(data.get("laws", {}).get("paths", ["laws"])),
    )
