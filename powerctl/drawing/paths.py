"""How each drawn file is made: one path and one fallback per artifact, chosen here and nowhere else.

- flowchart SVG (the page, `sheet`): Graphviz loaded in-process (`gvlib`); fallback a `dot -Tsvg` process per
  layout, where libgvc cannot be loaded.
- flowchart PNG: the painter (`paint`: cairo); fallback `rsvg-convert`, where libcairo cannot be loaded or a
  character is not in the font.
- flowchart PDF and 全部流程图.pdf: the PDF writer (`pdfwrite`: print fonts); fallback `rsvg-convert`, where a
  character is outside the print font or the print font cannot be built.

The table PDF (一表) has one path, `documents.table_pdf.write` (laid out by powerctl, drawn by Pango on
cairo), as it is made from the tables and not from a drawing. Each `Drawer` call says which path it took, and the bundle
writes that into manifest.json (`drawn_by`); `describe()` says which paths this machine gets
(`powerctl doctor`). Both fallbacks give the same bytes for the same input, as the paths do.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from powerctl.drawing import pdfwrite
from powerctl.drawing.gvlib import GraphvizError
from powerctl.drawing.picture import Picture, Unsupported, parse

SVG = ("graphviz", "dot")
PNG = ("painter", "rsvg-convert")
PDF = ("pdfwrite", "rsvg-convert")
TABLE_PDF = ("pango",)  # documents.table_pdf.write
NAMES = {
    "graphviz": "进程内 Graphviz（libgvc）",
    "dot": "dot 进程（每次排版一个进程，较慢，结果相同）",
    "painter": "powerctl 用 cairo 绘制",
    "pdfwrite": "powerctl 直接写出（打印字体）",
    "rsvg-convert": "rsvg-convert 命令",
    "pango": "powerctl 排版，Pango 在 cairo 上绘制",
}


class DrawError(Exception):
    """Graphviz or rsvg-convert failed on a drawing: the message says why."""


class RenderError(Exception):
    """Graphviz or a font is missing, or drawing failed: a message with the fix, exit code 2."""


def _fc_list(*args: str) -> str:
    try:
        out = subprocess.run(["fc-list", *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout


def chinese_families() -> set[str]:
    """Every family name of the installed fonts that cover Chinese (fontconfig)."""
    return {name.strip() for line in _fc_list(":lang=zh", "family").splitlines() for name in line.split(",")}


def check_tools(font: str) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them; else RenderError."""
    if shutil.which("dot") is None:
        raise RenderError(
            "未找到 Graphviz（dot 命令），无法绘制流程图。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install graphviz（或运行 bash scripts/bootstrap）"
        )
    if shutil.which("fc-list") is None:
        raise RenderError("未找到 fontconfig（fc-list 命令），无法确认中文字体。安装：sudo apt-get install fontconfig")
    families = chinese_families()
    if not families:
        raise RenderError(
            "没有安装中文字体：Graphviz 会把汉字画成方框。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install fonts-noto-cjk（或运行 bash scripts/bootstrap）"
        )
    if font not in families:
        first = sorted({line.split(",")[0].strip() for line in _fc_list(":lang=zh", "family").splitlines() if line})
        raise RenderError(
            f"字体「{font}」没有安装或不含中文。已安装的中文字体：{'、'.join(first[:8])}\n"
            "在 .powerctl.yaml 中设置 fonts: {family: 字体名}，或安装 fonts-noto-cjk"
        )


def _dot_process(dot: str) -> bytes:
    """One graph laid out by a `dot` process: the SVG (where Graphviz cannot be loaded in-process)."""
    proc = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300, check=False)
    problems = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    problems = [line for line in problems if not line.startswith("Warning")]
    if proc.returncode != 0 or not proc.stdout:
        raise GraphvizError("；".join(problems) or f"dot 退出码 {proc.returncode}")
    return proc.stdout


def _rsvg_convert(svgs: Sequence[bytes], fmt: str, dpi: float = 96.0) -> bytes:
    """PNG or PDF by the `rsvg-convert` command (one page per SVG), PDF dates fixed."""
    with tempfile.TemporaryDirectory(prefix="powerctl-rsvg-") as tmp:
        names = []
        for n, svg in enumerate(svgs):
            (Path(tmp) / f"{n}.svg").write_bytes(svg)
            names.append(f"{n}.svg")
        cmd = ["rsvg-convert", "-f", fmt, "-d", f"{dpi:g}", "-p", f"{dpi:g}", "-o", "out", *names]
        try:
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=600, check=False)
        except OSError as exc:
            raise DrawError(f"rsvg-convert：{exc}（安装：sudo apt-get install librsvg2-bin）") from None
        if proc.returncode != 0:
            raise DrawError(proc.stderr.strip()[:300] or f"rsvg-convert 退出码 {proc.returncode}")
        data = (Path(tmp) / "out").read_bytes()
    return pdfwrite.fix_dates(data) if fmt == "pdf" else data


class Drawer:
    """What a process keeps to draw: Graphviz and the painter, loaded once (either may be None: its fallback
    is used), the print fonts, and the last pictures and PDF pages (a flowchart's PNG and PDF come from one
    picture; the merged PDF finds its pages here)."""

    def __init__(self) -> None:
        # Any failure to load a library in-process (a missing library or symbol, a Graphviz whose structs
        # differ, a crash in its set-up) means the fallback, never a failed run.
        self.problems: list[str] = []  # why a path is not taken (`powerctl doctor` shows them)
        self.graphviz: Any = None
        self.painter: Any = None
        try:
            from powerctl.drawing.gvlib import Graphviz

            self.graphviz = Graphviz()
        except Exception as exc:
            self.problems.append(f"Graphviz {type(exc).__name__}: {exc}")
        try:
            from powerctl.drawing.paint import Painter

            self.painter = Painter()
        except Exception as exc:
            self.problems.append(f"cairo {type(exc).__name__}: {exc}")
        self.fonts = pdfwrite.PrintFonts()
        self._pictures: dict[bytes, Picture | None] = {}
        self._pages: dict[bytes, pdfwrite.Page] = {}

    def layout(self, dot: str) -> bytes:
        """One graph's SVG (the sheet's layouts call this)."""
        if self.graphviz is not None:
            return bytes(self.graphviz.draw(dot, ("svg",))["svg"])
        return _dot_process(dot)

    @property
    def svg_path(self) -> str:
        return SVG[0] if self.graphviz is not None else SVG[1]

    def _picture(self, svg: bytes) -> Picture | None:
        if svg not in self._pictures:
            try:
                picture: Picture | None = parse(svg)
            except Unsupported:
                picture = None
            _keep(self._pictures, svg, picture)
        return self._pictures[svg]

    def png(self, svg: bytes, dpi: float) -> tuple[bytes, str]:
        """The PNG and the path that drew it."""
        picture = self._picture(svg)
        if self.painter is not None and picture is not None:
            try:
                return bytes(self.painter.png(picture, dpi)), PNG[0]
            except Unsupported:
                pass
        return _rsvg_convert([svg], "png", dpi), PNG[1]

    def _page(self, svg: bytes) -> pdfwrite.Page:
        page = self._pages.get(svg)
        if page is None:
            picture = self._picture(svg)
            if picture is None:
                raise pdfwrite.Fallback("an SVG the PDF writer does not read")
            page = pdfwrite.page(picture, self.fonts)
            _keep(self._pages, svg, page)
        return page

    def pdf(self, svgs: Sequence[bytes], title: str | None = None) -> tuple[bytes, str]:
        """One page per SVG, at the SVG's own size (points); the PDF and the path that wrote it."""
        try:
            return pdfwrite.document([self._page(svg) for svg in svgs], self.fonts, title), PDF[0]
        except pdfwrite.Fallback:
            return _rsvg_convert(svgs, "pdf"), PDF[1]


def _keep(cache: dict[bytes, Any], svg: bytes, value: Any) -> None:
    """Remember the last 64 (a unit's merged PDF finds half its pages here)."""
    if len(cache) >= 64:
        cache.pop(next(iter(cache)))
    cache[svg] = value


def describe(family: str) -> tuple[bool, str]:
    """Whether Graphviz is loaded in-process, and the paths this machine gets, in words (`powerctl doctor`)."""
    from powerctl.drawing.fonts import locate

    drawer = Drawer()
    svg = drawer.svg_path
    png = PNG[0] if drawer.painter is not None else PNG[1]
    pdf = PDF[0] if locate(family, False, exact=True) is not None else PDF[1]
    how = f"SVG：{NAMES[svg]}；PNG：{NAMES[png]}；PDF：{NAMES[pdf]}"
    if drawer.graphviz is not None:
        how = how.replace("（libgvc）", f" {drawer.graphviz.version}（libgvc）")
    if png != PNG[0] or pdf != PDF[0]:
        how += f"（备用路径需要 rsvg-convert：{'已安装' if shutil.which('rsvg-convert') else '未安装'}）"
    if drawer.problems:
        how += "（进程内不可用：" + "；".join(drawer.problems) + "）"
    return drawer.graphviz is not None, how
