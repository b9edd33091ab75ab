"""Drawing flowcharts: DOT → SVG, PNG and PDF, in a pool of worker processes, one per core.

Each worker keeps Graphviz loaded in-process (`gvlib`, ids independent of the heap, so a graph's output
depends on its text alone) and makes the PNG, the PDF and the merged PDF from the SVG (`paint`: pixels
with cairo, PDF pages written by `pdfwrite`, else by cairo; for a picture the painter cannot draw, librsvg
(`raster`) and Graphviz's own cairo PDF). PDFs carry no date of the build. Where those libraries cannot be
loaded, a worker falls back to one `dot` process per flowchart, which is slower but gives stable output
too. Without a CJK font Graphviz still draws (boxes), so fonts are checked with fontconfig first.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerctl import gcpolicy, sheet
from powerctl.raster import fix_pdf_dates
from powerctl.sheet import FlowSheet

FORMATS = ("svg", "png", "pdf")
_PR_SET_PDEATHSIG = 1
_BATCH = 8


class RenderError(Exception):
    """Graphviz or a font is missing, or Graphviz failed: a message with the fix, exit code 2."""


@dataclass(frozen=True)
class Job:
    sheet: FlowSheet
    target: Path  # without suffix: target.with_suffix(".svg") etc.
    pages: Path | None = None  # where to leave the PDF pages for the merged PDF (`merge_pdf`), as JSON


def loadable(soname: str) -> bool:
    """Whether a shared library can be loaded in this process (libgvc.so.6, librsvg-2.so.2)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _fc_list(*args: str) -> str:
    try:
        out = subprocess.run(["fc-list", *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout


def check_tools(font: str) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them; else RenderError."""
    if shutil.which("dot") is None:
        raise RenderError(
            "未找到 Graphviz（dot 命令），无法绘制流程图。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install graphviz（或运行 bash scripts/bootstrap）"
        )
    if shutil.which("fc-list") is None:
        raise RenderError("未找到 fontconfig（fc-list 命令），无法确认中文字体。安装：sudo apt-get install fontconfig")
    chinese = sorted({line.split(",")[0].strip() for line in _fc_list(":lang=zh", "family").splitlines() if line})
    if not chinese:
        raise RenderError(
            "没有安装中文字体：Graphviz 会把汉字画成方框。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install fonts-noto-cjk（或运行 bash scripts/bootstrap）"
        )
    families = {name.strip() for line in _fc_list(":lang=zh", "family").splitlines() for name in line.split(",")}
    if font not in families:
        raise RenderError(
            f"字体「{font}」没有安装或不含中文。已安装的中文字体：{'、'.join(chinese[:8])}\n"
            "在 .powerctl.yaml 中设置 fonts: {family: 字体名}，或安装 fonts-noto-cjk"
        )


def _write(target: Path, fmt: str, data: bytes) -> None:
    """One drawing to its file, PDF dates fixed. The folder was made by the parent: a worker never
    recreates one that its (killed) parent's successor has since removed."""
    path = target.with_suffix(f".{fmt}")
    path.unlink(missing_ok=True)  # a new file: never written through a link into another bundle
    path.write_bytes(fix_pdf_dates(data) if fmt == "pdf" else data)


def _dot_process(dot: str) -> bytes:
    """One graph laid out by a `dot` process: the SVG (where Graphviz cannot be loaded in-process)."""
    proc = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300, check=False)
    problems = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    problems = [line for line in problems if not line.startswith("Warning")]
    if proc.returncode != 0 or not proc.stdout:
        from powerctl.gvlib import GraphvizError

        raise GraphvizError("；".join(problems) or f"dot 退出码 {proc.returncode}")
    return proc.stdout


def _rsvg_convert(svgs: Sequence[bytes], fmt: str, dpi: float = 96.0) -> bytes:
    """PNG or PDF by the `rsvg-convert` command: the fallback where librsvg cannot be loaded in-process."""
    from powerctl.raster import RasterError

    with tempfile.TemporaryDirectory(prefix="powerctl-rsvg-") as tmp:
        names = []
        for n, svg in enumerate(svgs):
            (Path(tmp) / f"{n}.svg").write_bytes(svg)
            names.append(f"{n}.svg")
        cmd = ["rsvg-convert", "-f", fmt, "-d", f"{dpi:g}", "-p", f"{dpi:g}", "-o", "out", *names]
        try:
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=600, check=False)
        except OSError as exc:
            raise RasterError(f"rsvg-convert：{exc}") from None
        if proc.returncode != 0:
            raise RasterError(proc.stderr.strip()[:300] or f"rsvg-convert 退出码 {proc.returncode}")
        return (Path(tmp) / "out").read_bytes()


class _Worker:
    """What a worker process keeps between tasks: Graphviz, the painter and librsvg, loaded once (each may be
    None: Graphviz then runs as `dot` processes, librsvg as `rsvg-convert`)."""

    def __init__(self) -> None:
        # Any failure to load a library in-process (a missing library or symbol, a Graphviz whose structs
        # differ, a crash in its set-up) means the slower path, never a failed run.
        self.problems: list[str] = []  # why a library is not used in-process (`powerctl doctor` shows them)
        self.graphviz: Any = None
        self.rasterizer: Any = None
        self.painter: Any = None
        try:
            from powerctl.gvlib import Graphviz

            self.graphviz = Graphviz()
        except Exception as exc:
            self.problems.append(f"Graphviz {type(exc).__name__}: {exc}")
        try:
            from powerctl.paint import Painter

            self.painter = Painter()
        except Exception as exc:
            self.problems.append(f"cairo {type(exc).__name__}: {exc}")
        try:
            from powerctl.raster import Rasterizer

            self.rasterizer = Rasterizer()
        except Exception as exc:
            self.problems.append(f"librsvg {type(exc).__name__}: {exc}")

    def layout(self, dot: str) -> bytes:
        if self.graphviz is not None:
            return bytes(self.graphviz.draw(dot, ("svg",))["svg"])
        return _dot_process(dot)

    def _png(self, svg: bytes, dpi: float) -> bytes:
        from powerctl.paint import Unsupported

        if self.painter is not None:
            try:
                return bytes(self.painter.png(svg, dpi))
            except Unsupported:
                pass  # drawn by librsvg below, which falls back to other fonts
        if self.rasterizer is not None:
            return bytes(self.rasterizer.png(svg, dpi))
        return _rsvg_convert([svg], "png", dpi)

    def _pdf(self, svgs: Sequence[bytes]) -> bytes:
        from powerctl.paint import Unsupported

        if self.painter is not None:
            try:
                return bytes(self.painter.pdf(svgs))
            except Unsupported:
                pass
        if self.rasterizer is not None:
            return bytes(self.rasterizer.pdf(svgs))
        return _rsvg_convert(svgs, "pdf")

    def draw(self, job: Job, formats: Sequence[str]) -> tuple[list[str], list[str]]:
        """Draw one flowchart; the problems, and a note when it needed A3 or several pages."""
        from powerctl.gvlib import GraphvizError
        from powerctl.paint import PaintError
        from powerctl.raster import RasterError

        try:
            drawn = sheet.draw(job.sheet, self.layout)
            out = {"svg": drawn.web}
            if "png" in formats:
                out["png"] = self._png(drawn.png, drawn.png_dpi)
            if "pdf" in formats:
                out["pdf"] = self._pdf(drawn.pages)
        except (GraphvizError, RasterError, PaintError, ValueError) as exc:
            return [str(exc)], []
        for fmt in formats:
            _write(job.target, fmt, out[fmt])
        if job.pages is not None:
            _keep_pages(job.pages / f"{job.target.name}.json", job.sheet, drawn)
        return [], [f"{job.target.parent.name}/{job.target.name}：{drawn.note}"] if drawn.note else []

    def merge(self, charts: Sequence[tuple[FlowSheet, str]], target: Path, cover: tuple[str, str | None],
              pages: Path | None = None) -> list[str]:  # fmt: skip
        from powerctl.gvlib import GraphvizError
        from powerctl.paint import PaintError
        from powerctl.raster import RasterError

        try:
            drawn = []
            for flow, name in charts:
                known = _kept_pages(pages / f"{name}.json", flow) if pages is not None else None
                drawn.append((flow.title, known or sheet.draw(flow, self.layout)))
            made, _ = sheet.document(drawn, cover[0], cover[1], charts[0][0].font if charts else "", self.layout)
            data = self._pdf(made)
        except (GraphvizError, RasterError, PaintError, ValueError) as exc:
            return [str(exc)]
        target.unlink(missing_ok=True)  # a new file: never written through a link into another bundle
        target.write_bytes(fix_pdf_dates(data))
        return []


def _digest(flow: FlowSheet) -> str:
    return hashlib.sha256(json.dumps(flow.key(), ensure_ascii=False).encode("utf-8")).hexdigest()


def _keep_pages(path: Path, flow: FlowSheet, drawn: sheet.Drawn) -> None:
    """A chart's pages for the merged PDF, which may be made in another worker (JSON: the sheet's digest,
    its paper and the page SVGs)."""
    record = {
        "sheet": _digest(flow),
        "paper": drawn.paper,
        "landscape": drawn.landscape,
        "pages": [p.decode("utf-8") for p in drawn.pages],
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _kept_pages(path: Path, flow: FlowSheet) -> sheet.Drawn | None:
    """The pages `_keep_pages` left for this very sheet, if any (anything else, or unreadable, is a miss)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["sheet"] != _digest(flow):
            return None
        pages = tuple(p.encode("utf-8") for p in record["pages"])
        if not pages or record["paper"] not in sheet.PAPERS:
            return None
        return sheet.Drawn(b"", pages, b"", 0.0, record["paper"], bool(record["landscape"]), 0.0, None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def drawing_path() -> tuple[bool, str]:
    """Whether flowcharts will be drawn in-process (Graphviz loaded, else `dot` processes), and how, in words
    for `powerctl doctor`."""
    worker = _Worker()
    if worker.graphviz is None:
        how = "每张流程图的每一块由一个 dot 进程排版（较慢，结果相同）"
    else:
        how = f"进程内 Graphviz {worker.graphviz.version}（libgvc）"
    if worker.painter is not None:
        how += "，PNG/PDF 由 powerctl 用 cairo 绘制"
    elif worker.rasterizer is not None:
        how += "，PNG/PDF 由 librsvg 绘制"
    else:
        how += "，PNG/PDF 由 rsvg-convert 绘制"
    if worker.problems:
        how += "（进程内不可用：" + "；".join(worker.problems) + "）"
    return worker.graphviz is not None, how


_worker: _Worker | None = None
_INLINE = threading.Lock()


def _here() -> _Worker:
    global _worker
    if _worker is None:
        _worker = _Worker()
    return _worker


def _init_worker(parent: int) -> None:
    """Collect cycles rarely (`gcpolicy`), and die with the parent (Linux): a killed bundle must not leave
    workers writing into its stage."""
    gcpolicy.relax()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the signal was asked for
        os._exit(1)


def _draw_batch(jobs: Sequence[Job], formats: Sequence[str]) -> tuple[list[str], list[str]]:
    worker = _here()
    problems: list[str] = []
    notes: list[str] = []
    for job in jobs:
        failed, noted = worker.draw(job, formats)
        problems.extend(f"{job.target.name}: {problem}" for problem in failed)
        notes.extend(noted)
    return problems, notes


def _merge(
    charts: Sequence[tuple[FlowSheet, str]], target: Path, cover: tuple[str, str | None], pages: Path | None
) -> tuple[list[str], list[str]]:
    return [f"{target.name}: {problem}" for problem in _here().merge(charts, target, cover, pages)], []


def _batches(jobs: Sequence[Job]) -> Iterator[Sequence[Job]]:
    for start in range(0, len(jobs), _BATCH):
        yield jobs[start : start + _BATCH]


class Pending:
    """Work handed to the pool: `wait()` blocks until it is done and raises RenderError if any part failed."""

    def __init__(self, parts: Sequence[tuple[Future[_Outcome] | _Outcome, int]], what: str) -> None:
        self._parts = parts
        self._what = what

    def wait(self, progress: Callable[[int], None] | None = None) -> list[str]:
        """The notes of the work (charts that needed A3 or several pages, and why)."""
        problems: list[str] = []
        notes: list[str] = []
        for part, size in self._parts:
            failed, noted = part if isinstance(part, tuple) else part.result()
            problems.extend(failed)
            notes.extend(noted)
            if progress is not None:
                progress(size)
        if problems:
            raise RenderError(f"{self._what}：\n" + "\n".join(problems[:20]))
        return notes


_Outcome = tuple[list[str], list[str]]  # problems, notes


def _call(function: Callable[..., None], *args: Any) -> _Outcome:
    try:
        function(*args)
    except Exception as exc:  # reported by Pending.wait in the parent, with the function's name
        return [f"{getattr(function, '__name__', 'task')}: {type(exc).__name__}: {exc}"], []
    return [], []


class Renderer:
    """A pool of worker processes kept for several calls (a bundle draws unit after unit, and hands its
    table PDFs to the same processes). With one worker, the work happens in this process instead."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._thread: ThreadPoolExecutor | None = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a worker starts clean, without the parent's threads or half-initialised libraries
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
            )
        return self._pool

    def _run(self, inline: bool, function: Callable[..., _Outcome], *args: Any) -> Future[_Outcome] | _Outcome:
        if inline or self.workers == 1:
            with _INLINE:  # Graphviz keeps global state: one drawing at a time in this process
                return function(*args)
        return self._executor().submit(function, *args)

    def start(self, jobs: Sequence[Job], formats: Sequence[str] = ("svg",)) -> Pending:
        """Start drawing every job into each format (in this process for a handful of graphs)."""
        inline = len(jobs) <= 2
        for folder in {job.target.parent for job in jobs}:
            folder.mkdir(parents=True, exist_ok=True)
        parts = [(self._run(inline, _draw_batch, batch, tuple(formats)), len(batch)) for batch in _batches(jobs)]
        return Pending(parts, "Graphviz 绘图失败")

    def draw(
        self, jobs: Sequence[Job], formats: Sequence[str] = ("svg",), progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Draw every job into each format; RenderError with Graphviz's messages if any failed. The notes of
        charts that needed A3 or several pages."""
        return self.start(jobs, formats).wait(progress)

    def merge_pdf(
        self,
        charts: Sequence[tuple[FlowSheet, str]],
        target: Path,
        cover: tuple[str, str | None],
        pages: Path | None = None,
    ) -> Pending:
        """全部流程图.pdf: a cover (`cover`: the unit's name, 编制日期), the contents, then each chart's pages
        (`charts`: the sheet and its file name); `pages`: the folder the drawing left pages in."""
        return Pending([(self._run(False, _merge, tuple(charts), target, cover, pages), 1)], "合并流程图 PDF 失败")

    def prepare_fonts(self, family: str, print_family: str | None = None) -> bool:
        """Build the fonts (`fonts.to_build`) that are not built yet, one per worker at a time; whether there
        was anything to build (once per machine and font, some seconds each)."""
        from powerctl import fonts

        tasks = fonts.to_build(family, print_family)
        for pending in [self.submit(fonts.prepare, *task) for task in tasks]:
            pending.wait()
        return bool(tasks)

    def submit(self, function: Callable[..., None], *args: Any) -> Pending:
        """Other slow work for the same processes (a module-level function and picklable arguments)."""
        return Pending([(self._run(False, _call, function, *args), 1)], "后台任务失败")

    def call(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """A task with a result (a module-level function, picklable arguments and result) for the worker
        processes; with one worker, done here before this returns."""
        if self.workers > 1:
            return self._executor().submit(function, *args)
        done: Future[Any] = Future()
        try:
            done.set_result(function(*args))
        except Exception as exc:
            done.set_exception(exc)
        return done

    def submit_waiting(self, function: Callable[..., None], *args: Any) -> Pending:
        """Work that mostly waits for another program (Chromium printing a page): one thread of this process,
        in order, so that the workers keep drawing meanwhile."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="powerctl-print")
        return Pending([(self._thread.submit(_call, function, *args), 1)], "后台任务失败")


def render(
    jobs: Sequence[Job],
    formats: Sequence[str] = ("svg",),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Draw every job into each format with a pool made for this call; the notes (`Renderer.draw`)."""
    with Renderer(workers) as renderer:
        return renderer.draw(jobs, formats, progress)
