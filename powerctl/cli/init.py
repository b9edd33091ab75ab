"""`powerctl init [DIR]`: scaffold a catalogue repository that validates clean from the first run.

The scaffold (`templates/init/`) and the schemas ship inside the package, so this works from an installed
wheel. DIR becomes a git repository on branch main unless it is inside one already. The CI files name where
CI installs powerctl from (`POWERCTL_PIP`): the source this copy of powerctl was installed from when pip
recorded one that another machine can reach (a git or web address), else left for the office to fill in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer

from powerctl.cli._common import fail
from powerctl.resources import SCHEMAS, TEMPLATES

SCAFFOLD = TEMPLATES / "init"
PIP_PLACEHOLDER = "@POWERCTL_PIP@"  # in the CI files of the scaffold: replaced by `install_source()`
CI_FILES = (".github/workflows/powerctl.yml", ".gitlab-ci.yml")


def _plan(target: Path) -> list[tuple[Path, Path]]:
    """(source, destination) of every file init writes."""
    files = [(src, target / src.relative_to(SCAFFOLD)) for src in sorted(SCAFFOLD.rglob("*")) if src.is_file()]
    files += [(src, target / "schemas" / src.name) for src in sorted(SCHEMAS.glob("*.schema.json"))]
    return files


def install_source() -> str:
    """What `pip install` needs on another machine to get this powerctl, when pip recorded it (PEP 610):
    `git+URL@commit` for a git install, the address of a wheel or archive fetched over the web; else ""."""
    try:
        text = metadata.distribution("powerctl").read_text("direct_url.json")
        record = json.loads(text) if text else {}
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return ""
    url = record.get("url") if isinstance(record, dict) else None
    if not isinstance(url, str) or url.startswith("file:"):
        return ""  # a local wheel or checkout: not reachable from a CI machine
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict):
        if vcs.get("vcs") != "git":
            return ""
        commit = vcs.get("commit_id")
        return f"git+{url}@{commit}" if isinstance(commit, str) and commit else f"git+{url}"
    return url if url.startswith(("https://", "http://")) else ""


def _inside_git_repository(folder: Path) -> bool | None:
    """Whether the folder is inside a git work tree; None when git is not installed."""
    if shutil.which("git") is None:
        return None
    probe = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0 and probe.stdout.strip() == "true"


def command(
    directory: Annotated[Path, typer.Argument(help="新仓库的目录；默认为当前目录")] = Path("."),
) -> None:
    plan = _plan(directory)
    expected = {".powerctl.yaml", *CI_FILES, "schemas/catalogue.schema.json"}
    missing = expected - {dst.relative_to(directory).as_posix() for _, dst in plan}
    if missing:
        raise fail(
            f"powerctl 安装不完整：找不到仓库模板（{SCAFFOLD}）中的 {'、'.join(sorted(missing))}，没有写入任何文件。\n"
            "请重新安装 powerctl（pip install --force-reinstall 安装来源），然后运行 powerctl doctor 检查"
        )
    existing = [dst for _, dst in plan if dst.exists()]
    if existing:
        names = "\n".join(f"  {p}" for p in existing)
        raise fail(f"以下文件已存在，powerctl init 不会覆盖它们：\n{names}\n请在空目录中运行，或先移走这些文件。")
    if directory.exists() and not directory.is_dir():
        raise fail(f"{directory} 是一个文件，不是目录")
    directory.mkdir(parents=True, exist_ok=True)
    in_git = _inside_git_repository(directory)
    if in_git is False:
        made = subprocess.run(["git", "init", "-q", "-b", "main", str(directory)], capture_output=True, text=True)
        if made.returncode != 0:
            raise fail(f"git init 失败：{made.stderr.strip()}")
    source = install_source()
    for src, dst in plan:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.relative_to(directory).as_posix() in CI_FILES:
            dst.write_text(src.read_text(encoding="utf-8").replace(PIP_PLACEHOLDER, source), encoding="utf-8")
        else:
            shutil.copyfile(src, dst)
    out = sys.stdout
    out.write(f"已在 {directory} 建立职权目录仓库（{len(plan)} 个文件）：\n")
    for _, dst in plan:
        out.write(f"  {dst.relative_to(directory)}\n")
    if in_git is False:
        out.write("已运行 git init（分支 main）。\n")
    elif in_git is None:
        out.write("未找到 git：文件已写好，但没有建立 git 仓库。安装 git 后在该目录运行 git init -b main\n")
    if source:
        out.write(f"CI 流水线将从 {source} 安装 powerctl（见 .github/workflows/powerctl.yml 中的 POWERCTL_PIP）。\n")
    else:
        out.write(
            "注意：CI 流水线还不知道从哪里安装 powerctl。请在 .github/workflows/powerctl.yml 和 .gitlab-ci.yml 中"
            "填写 POWERCTL_PIP（例如 git+https://代码仓库地址/powerctl.git@v0.1.0），"
            "或在 GitHub/GitLab 的 CI 变量中设置 POWERCTL_PIP。\n"
        )
    out.write(
        "下一步：把 catalogues/example/lsj-zjj.yaml 改成本单位的职权目录（文件名即单位标识），"
        "改好后删去其中的 `sample: true`（标为示例的单位不会生成成果包），然后运行 powerctl validate；"
        "输入有误时 powerctl fix 能改正全角标点、缩进等常见错误\n"
    )
