"""How each drawn file is made: one path per artifact, and one fallback where a library is missing (never
chosen by the data; docs/ARCHITECTURE.md has the table). SVG: Graphviz in-process (`gvlib`), else a `dot`
process per layout. PNG and PDF: each laid-out graph painted once by Graphviz's cairo renderer onto a recording
surface, replayed onto the page's image or PDF surface; else `rsvg-convert` on the page composed as SVG.
Each `Drawer` call says which path it took (manifest.json's `drawn_by`); `describe()` says which paths this
machine gets (`powerctl doctor`).
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from powerctl.drawing.gvlib import GraphvizError
from powerctl.drawing.sheet import _SIZE, Page, page_svg

SVG = ("graphviz", "dot")
PNG = ("cairo", "rsvg-convert")
PDF = ("cairo", "rsvg-convert")
NAMES = {
    "graphviz": "进程内 Graphviz（libgvc）",
    "dot": "dot 进程（每次排版一个进程，较慢，结果相同）",
    "cairo": "Graphviz 的 cairo 渲染（cairocffi，字体经 fontconfig）",
    "rsvg-convert": "rsvg-convert 命令",
    "pango": "powerctl 排版，Pango 在 cairo 上绘制",
}
EPOCH = 946684800  # 2000-01-01: the PDFs' date where SOURCE_DATE_EPOCH is not set (the same bytes every run)


class DrawError(Exception):
    """Graphviz or rsvg-convert failed on a drawing, or a chart's PDF cannot be joined: the message says why."""


class RenderError(Exception):
    """Graphviz or a font is missing, or drawing failed: a message with the fix, exit code 2."""


def _fonts() -> list[list[str]]:
    """The family names of each installed font that covers Chinese (fontconfig)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return [[name.strip() for name in line.split(",")] for line in out.stdout.splitlines()]


def chinese_families() -> set[str]:
    """Every family name of the installed fonts that cover Chinese."""
    return {name for names in _fonts() for name in names}


def check_tools(font: str) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them; else RenderError."""
    if shutil.which("dot") is None:
        raise RenderError(
            "未找到 Graphviz（dot 命令），无法绘制流程图。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install graphviz（或运行 bash scripts/bootstrap）"
        )
    if shutil.which("fc-list") is None:
        raise RenderError("未找到 fontconfig（fc-list 命令），无法确认中文字体。安装：sudo apt-get install fontconfig")
    fonts = _fonts()
    if not fonts:
        raise RenderError(
            "没有安装中文字体：Graphviz 会把汉字画成方框。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install fonts-wqy-microhei fonts-noto-cjk"
            "（或运行 bash scripts/bootstrap）"
        )
    if not any(font in names for names in fonts):
        first = sorted({names[0] for names in fonts if names[0]})
        raise RenderError(
            f"字体「{font}」没有安装或不含中文。已安装的中文字体：{'、'.join(first[:8])}\n"
            "在 .powerctl.yaml 中设置 fonts: {family: 字体名}，"
            "或安装 fonts-wqy-microhei（默认字体 WenQuanYi Micro Hei）"
        )


def _dot_process(dot: str) -> bytes:
    """One graph laid out by a `dot` process: the SVG (where Graphviz cannot be loaded in-process)."""
    proc = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300, check=False)
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    problems = [line for line in lines if line.strip() and not line.startswith("Warning")]
    if proc.returncode != 0 or not proc.stdout:
        raise GraphvizError("；".join(problems) or f"dot 退出码 {proc.returncode}")
    return proc.stdout


def _rsvg_convert(svgs: Sequence[bytes], fmt: str, dpi: float = 96.0) -> bytes:
    """PNG or PDF by the `rsvg-convert` command (one page per SVG), its dates from SOURCE_DATE_EPOCH."""
    with tempfile.TemporaryDirectory(prefix="powerctl-rsvg-") as tmp:
        names = [f"{n}.svg" for n in range(len(svgs))]
        for name, svg in zip(names, svgs, strict=True):
            (Path(tmp) / name).write_bytes(svg)
        cmd = ["rsvg-convert", "-f", fmt, "-d", f"{dpi:g}", "-p", f"{dpi:g}", "-o", "out", *names]
        env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", str(EPOCH))}
        try:
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=600, check=False, env=env)
        except OSError as exc:
            raise DrawError(f"rsvg-convert：{exc}（安装：sudo apt-get install librsvg2-bin）") from None
        if proc.returncode != 0:
            raise DrawError(proc.stderr.strip()[:300] or f"rsvg-convert 退出码 {proc.returncode}")
        return (Path(tmp) / "out").read_bytes()


def _date() -> str:
    """The PDFs' creation date: SOURCE_DATE_EPOCH where set, else a fixed one (ISO 8601, as cairo takes it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch) if epoch.isdigit() else EPOCH))


class Drawer:
    """What a process keeps to draw: Graphviz and cairocffi, loaded once (either may be None: the fallback is
    used for what needs it)."""

    def __init__(self) -> None:
        # Any failure to load a library in-process (a missing library or symbol, a Graphviz whose structs
        # differ, a crash in its set-up) means the fallback, never a failed run.
        self.problems: list[str] = []  # why a path is not taken (`powerctl doctor` shows them)
        self.graphviz: Any = None
        self.cairo: Any = None
        self._recorded: dict[str, Any] = {}  # DOT → its drawing on a cairo recording surface (this chart's)
        self.recording = True  # whether `layout` records each graph for a PNG or PDF (not for an SVG alone)
        try:
            from powerctl.drawing.gvlib import Graphviz

            self.graphviz = Graphviz()
        except Exception as exc:
            self.problems.append(f"Graphviz {type(exc).__name__}: {exc}")
        try:
            import cairocffi  # type: ignore[import-untyped]
            import png  # type: ignore[import-untyped]  # noqa: F401  (pypng: the PNG's writer)
            from PIL import Image  # noqa: F401

            self.cairo = cairocffi
        except Exception as exc:  # cairocffi, or the libcairo it loads; pypng or Pillow
            self.problems.append(f"cairocffi {type(exc).__name__}: {exc}")

    def layout(self, dot: str) -> bytes:
        """One graph's SVG. While `recording`, the same layout is also painted by Graphviz onto a cairo
        recording surface of its size (pt), which the PNG and PDF pages replay: each graph is laid out once per
        chart (`forget` drops the recordings when the chart is done)."""
        if self.graphviz is None:
            return _dot_process(dot)
        try:
            svg = bytes(self.graphviz.draw(dot, ("svg",))["svg"])
            if self.recording and self.cairo is not None and dot not in self._recorded:
                self._recorded[dot] = self._record(dot, svg)
        finally:
            self.graphviz.forget()
        return svg

    def _record(self, dot: str, svg: bytes) -> Any:
        size = _SIZE.search(svg)
        if size is None:
            raise DrawError("Graphviz 的 SVG 没有尺寸")
        cairo = self.cairo
        surface = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, float(size[1]), float(size[2])))
        context = cairo.Context(surface)
        self.graphviz.paint(dot, int(cairo.ffi.cast("uintptr_t", context._pointer)))
        return surface

    def forget(self) -> None:
        """Drop the recordings of the chart just drawn."""
        self._recorded.clear()

    @property
    def svg_path(self) -> str:
        return SVG[0] if self.graphviz is not None else SVG[1]

    @property
    def painted(self) -> bool:
        """Whether PNG and PDF take the main path on this machine."""
        return self.graphviz is not None and self.cairo is not None

    def _paint(self, context: Any, page: Page) -> None:
        """Each graph of the page at its place, replayed from its recording (units: pt)."""
        for dot, x, y, scale in page.placed:
            if dot not in self._recorded:  # laid out for an SVG alone: laid out again, recorded this time
                self.recording = True
                self.layout(dot)
            context.save()
            context.translate(x, y)
            context.scale(scale, scale)
            context.set_source_surface(self._recorded[dot], 0, 0)
            context.paint()
            context.restore()

    def png(self, page: Page, dpi: float) -> tuple[bytes, str]:
        """The PNG of a page at `dpi`, and the path that drew it."""
        if not self.painted:
            return _rsvg_convert([page_svg(page, self.layout)], "png", dpi), PNG[1]
        import png as pypng
        from PIL import Image

        cairo, zoom = self.cairo, dpi / 72
        width, height = math.ceil(page.width * zoom - 1e-6), math.ceil(page.height * zoom - 1e-6)
        surface = cairo.ImageSurface(cairo.FORMAT_RGB24, width, height)
        context = cairo.Context(surface)
        context.set_source_rgb(1, 1, 1)
        context.paint()
        context.scale(zoom, zoom)
        self._paint(context, page)
        surface.flush()
        # cairo's rows are BGRX (little-endian words): Pillow maps them as they are (RGBX) and packs them as BGR,
        # which is RGB. pypng writes the rows unfiltered at zlib's fastest level: a chart is flat areas, and
        # Pillow's own encoder, which tries every row filter on every row, took 3.5x as long.
        image = Image.frombuffer("RGBX", (width, height), surface.get_data(), "raw", "RGBX", surface.get_stride(), 1)
        rgb = memoryview(image.tobytes("raw", "BGR"))
        del image
        surface.finish()
        per_metre = round(dpi / 0.0254)
        writer = pypng.Writer(width, height, greyscale=False, compression=1, x_pixels_per_unit=per_metre,
                              y_pixels_per_unit=per_metre, unit_is_meter=True)  # fmt: skip
        out, stride = io.BytesIO(), 3 * width
        writer.write_packed(out, (rgb[row * stride : (row + 1) * stride] for row in range(height)))
        return out.getvalue(), PNG[0]

    def pdf(self, pages: Sequence[Page]) -> tuple[bytes, str]:
        """One PDF page per page, at its own size (pt); the PDF and the path that wrote it."""
        if not self.painted:
            return _rsvg_convert([page_svg(page, self.layout) for page in pages], "pdf"), PDF[1]
        cairo, out = self.cairo, io.BytesIO()
        first = pages[0] if pages else Page(595.0, 842.0, ())
        surface = cairo.PDFSurface(out, first.width, first.height)
        surface.set_metadata(cairo.PDF_METADATA_CREATE_DATE, _date())
        surface.set_metadata(cairo.PDF_METADATA_CREATOR, "powerctl")
        context = cairo.Context(surface)
        for page in pages or [first]:
            surface.set_size(page.width, page.height)
            self._paint(context, page)
            context.show_page()
        surface.finish()
        return out.getvalue(), PDF[0]


def describe() -> tuple[bool, str]:
    """Whether Graphviz is loaded in-process, and the paths this machine gets, in words (`powerctl doctor`)."""
    drawer = Drawer()
    how = f"SVG：{NAMES[drawer.svg_path]}；PNG 与 PDF：{NAMES[PNG[0] if drawer.painted else PNG[1]]}"
    if drawer.graphviz is not None:
        how = how.replace("（libgvc）", f" {drawer.graphviz.version}（libgvc）")
    if not drawer.painted:
        how += f"（备用路径需要 rsvg-convert：{'已安装' if shutil.which('rsvg-convert') else '未安装'}）"
    if drawer.problems:
        how += "（进程内不可用：" + "；".join(drawer.problems) + "）"
    return drawer.graphviz is not None, how
