"""`powerctl doctor`: what each command needs and whether this machine has it, with how to install what is
missing; exit 1 when something a command needs is missing.

Each check looks at the real thing (runs `dot -V`, loads the libraries the way the drawing workers do, opens
the law index), never at a guess; a check that cannot run is reported as missing with the reason.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import typer

from powerctl import __version__
from powerctl.resources import PACKAGE, SCHEMAS, TEMPLATES
from powerctl.store import folders

APT = "sudo apt-get install"


@dataclass(frozen=True)
class Check:
    """One thing a command needs. `required`: the commands in `used_by` cannot run without it (exit 1)."""

    name: str
    used_by: str
    ok: bool
    detail: str
    required: bool = True
    fix: str = ""


def _run(*cmd: str) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return -1, str(exc)
    return done.returncode, (done.stdout + done.stderr).strip()


def _package_data() -> Check:
    needed = [
        SCHEMAS / "catalogue.schema.json",
        SCHEMAS / "config.schema.json",
        SCHEMAS / "laws.schema.json",
        TEMPLATES / "documents" / "table.html.j2",
        TEMPLATES / "site" / "index.html",
        TEMPLATES / "init" / ".powerctl.yaml",
    ]
    missing = [str(p.relative_to(PACKAGE)) for p in needed if not p.is_file()]
    if missing:
        return Check(
            "powerctl 自带的格式与模板",
            "全部命令",
            False,
            f"安装不完整，缺少 {'、'.join(missing)}（{PACKAGE}）",
            fix="pip install --force-reinstall <powerctl 的安装来源>",
        )
    return Check("powerctl 自带的格式与模板", "全部命令", True, f"powerctl {__version__}，{PACKAGE}")


def _yaml_parser() -> Check:
    import yaml

    if hasattr(yaml, "CBaseLoader"):
        detail = f"PyYAML {yaml.__version__}，libyaml {yaml._yaml.get_version_string()}"
        return Check("YAML 解析器（libyaml）", "validate", True, detail, required=False)
    return Check(
        "YAML 解析器（libyaml）",
        "validate",
        False,
        "PyYAML 没有 libyaml：可以运行，但慢约十倍",
        required=False,
        fix=f"{APT} libyaml-dev，然后 pip install --force-reinstall --no-binary pyyaml pyyaml",
    )


def _graphviz() -> Check:
    dot = shutil.which("dot")
    if dot is None:
        return Check("Graphviz", "render、bundle", False, "未找到 dot 命令", fix=f"{APT} graphviz")
    code, out = _run(dot, "-V")
    version = out.split("version", 1)[1].strip() if code == 0 and "version" in out else out or f"退出码 {code}"
    return Check("Graphviz", "render、bundle", code == 0, f"{version}（{dot}）", fix=f"{APT} graphviz")


def _drawing(family: str) -> Check:
    from powerctl.drawing.paths import describe

    try:
        in_process, how = describe()
    except Exception as exc:  # the check itself must not end doctor
        in_process, how = False, f"{type(exc).__name__}: {exc}"
    return Check(
        "流程图绘制方式",
        "render、bundle",
        in_process,
        how,
        required=False,
        fix="" if in_process else f"{APT} libgvc6 libcairo2；pip install cairocffi（Graphviz 9 以上只能用 dot 进程）",
    )


def _fonts(family: str) -> Check:
    from powerctl.drawing.paths import chinese_families

    if shutil.which("fc-list") is None:
        return Check("中文字体", "render、bundle", False, "未找到 fontconfig（fc-list）", fix=f"{APT} fontconfig")
    families = {name for name in chinese_families() if name}
    if not families:
        return Check("中文字体", "render、bundle", False, "没有中文字体：会画成方框", fix=f"{APT} fonts-wqy-microhei")
    if family not in families:
        shown = "、".join(sorted(families)[:6])
        return Check(
            "中文字体",
            "render、bundle",
            False,
            f"配置的字体「{family}」没有安装；已有：{shown}",
            fix=f"{APT} fonts-wqy-microhei，或在 .powerctl.yaml 中设置 fonts: {{family: 已安装的字体}}",
        )
    return Check("中文字体", "render、bundle", True, f"{family}（共 {len(families)} 个中文字体族）")


def _rare_characters() -> Check:
    """A font for the characters beyond the CJK font (extension B and later, e.g. 𪚥 in a place name)."""
    used_by = "render、bundle（生僻字：CJK 扩展 B 区及以后）"
    if shutil.which("fc-list") is None:
        return Check("生僻字字体", used_by, False, "未找到 fontconfig", required=False, fix=f"{APT} fontconfig")
    _, out = _run("fc-list", ":charset=2a6a5", "family")
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    if not families:
        return Check(
            "生僻字字体", used_by, False, "没有字体含扩展 B 区的全部汉字：这些字会画成方框", required=False,
            fix=f"{APT} fonts-hanazono",
        )  # fmt: skip
    return Check("生僻字字体", used_by, True, "、".join(families[:3]), required=False)


def _rsvg_convert() -> Check:
    used_by = "render、bundle（流程图 PNG/PDF 的备用路径：本机加载不了 Graphviz 或 cairo 时；全县统计图）"
    found = shutil.which("rsvg-convert")
    if found is None:
        return Check("rsvg-convert", used_by, False, "未安装", required=False, fix=f"{APT} librsvg2-bin")
    code, out = _run(found, "--version")
    return Check("rsvg-convert", used_by, code == 0, out.splitlines()[0] if out else found, required=False)


def _pango() -> Check:
    from powerctl.documents import table_pdf

    used_by = "bundle（一表 PDF：powerctl 排版，Pango 在 cairo 上绘制）"
    try:
        cairo, pango, _ = table_pdf._libraries()
    except Exception as exc:  # the bindings load the C libraries when imported: OSError when one is missing
        return Check(
            "Pango/cairo",
            used_by,
            False,
            f"不可用：{type(exc).__name__}: {exc}",
            fix=f"{APT} libpango-1.0-0 libpangocairo-1.0-0 libcairo2",
        )
    version = f"Pango {pango.pango_version_string()}, cairo {cairo.cairo_version_string()}"
    return Check("Pango/cairo", used_by, True, version)


def _git() -> Check:
    git = shutil.which("git")
    if git is None:
        return Check("git", "init、diff、validate --base、bundle --previous", False, "未找到 git", fix=f"{APT} git")
    code, out = _run(git, "--version")
    return Check("git", "init、diff、validate --base、bundle --previous", code == 0, out)


def _law_index() -> Check:
    from powerctl.laws.index import LawIndex, LawIndexError

    used_by = "validate（条文、款项和引文的核对）、laws"
    fix = "powerctl laws index <LawRefBook 格式的法规文本目录>"
    try:
        index = LawIndex.open()
    except LawIndexError as exc:
        return Check("法规文本索引", used_by, False, str(exc), required=False, fix=fix)
    if index is None:
        where = folders.law_index_path()
        return Check(
            "法规文本索引", used_by, False, f"尚未建立（{where}）：只按内置法规库核对", required=False, fix=fix
        )
    meta = index.meta
    index.close()
    detail = (
        f"{meta.get('laws', '?')} 部法规、{meta.get('articles', '?')} 条，文本截至 {meta.get('newest_version', '?')}"
        f"（{meta.get('source', '?')}，{meta.get('indexed_at', '?')} 建立；{index.path}）"
    )
    return Check("法规文本索引", used_by, True, detail, required=False)


def _cache_folder() -> Check:
    folder = folders.cache_root().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            "缓存目录",
            "validate、bundle",
            False,
            f"{folder} 不可写：{exc}（只影响速度）",
            required=False,
            fix="设置 XDG_CACHE_HOME 为一个可写的目录",
        )
    return Check("缓存目录", "validate、bundle", True, str(folder), required=False)


def checks(font_family: str) -> Iterator[Check]:
    """Every check, in the order shown; each one runs when asked for (the drawing check loads libraries)."""
    steps: list[Callable[[], Check]] = [
        _package_data,
        _yaml_parser,
        _graphviz,
        lambda: _drawing(font_family),
        lambda: _fonts(font_family),
        _rare_characters,
        _rsvg_convert,
        _pango,
        _git,
        _law_index,
        _cache_folder,
    ]
    for step in steps:
        yield step()


def environment_note() -> str:
    """Where powerctl itself runs from (a line for the report)."""
    return f"powerctl {__version__}（{PACKAGE}），Python {sys.version.split()[0]}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def command() -> None:
    from powerctl.catalogue.config import DEFAULT_FONT, ConfigError, find_root, load_config

    config_problem: list[Check] = []
    family = DEFAULT_FONT
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
