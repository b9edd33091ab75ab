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
import multiprocessing
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerctl import gcpolicy
from powerctl.raster import fix_pdf_dates

FORMATS = ("svg", "png", "pdf")
_PR_SET_PDEATHSIG = 1
_BATCH = 8


class RenderError(Exception):
    """Graphviz or a font is missing, or Graphviz failed: a message with the fix, exit code 2."""


@dataclass(frozen=True)
class Job:
    dot: str
    target: Path  # without suffix: target.with_suffix(".svg") etc.
    pages: Path | None = None  # where to leave the PDF page for a merge in another process (`merge_pdf`)


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


def check_tools(font: str, merge_pdf: bool = False) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them (and librsvg, when PDFs are
    to be merged into one); else RenderError."""
    if merge_pdf and not loadable("librsvg-2.so.2") and shutil.which("rsvg-convert") is None:
        raise RenderError(
            "未找到 rsvg-convert，无法把流程图合并为一个 PDF。\n"
            "安装方法：Debian/Ubuntu 运行 sudo apt-get install librsvg2-bin（或运行 bash scripts/bootstrap）"
        )
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


def _draw_process(job: Job, formats: Sequence[str]) -> list[str]:
    """One graph in its own `dot` process, every format at once; the problems, if any."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "946684800"}
    with tempfile.TemporaryDirectory(prefix="powerctl-dot-") as tmp:
        source = Path(tmp) / "g.dot"
        source.write_text(job.dot, encoding="utf-8")
        cmd = ["dot", *(f"-T{fmt}" for fmt in formats), "-O", source.name]
        proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=env, timeout=300, check=False)
        problems = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("Warning")]
        if proc.returncode != 0 and not problems:
            problems = [f"dot 退出码 {proc.returncode}"]
        for fmt in formats:
            produced = Path(tmp) / f"g.dot.{fmt}"
            if not produced.is_file():
                problems.append(f"{fmt} 没有生成")
                continue
            data = produced.read_bytes()
            _write(job.target, fmt, data)
    return problems


class _Worker:
    """What a worker process keeps between tasks: Graphviz, the painter and librsvg, loaded once (or None:
    fall back to `dot` processes)."""

    def __init__(self) -> None:
        # Any failure to load a library in-process (a missing library or symbol, a Graphviz whose structs
        # differ, a crash in its set-up) means drawing with `dot` processes, never a failed run.
        self.problems: list[str] = []  # why a library is not used in-process (`powerctl doctor` shows them)
        try:
            from powerctl.gvlib import Graphviz
            from powerctl.raster import Rasterizer

            self.engines: tuple[Any, Any] | None = (Graphviz(), Rasterizer())
        except Exception as exc:
            self.engines = None
            self.problems.append(f"{type(exc).__name__}: {exc}")
        try:
            from powerctl.paint import Painter

            self.painter: Any = Painter()
        except Exception as exc:
            self.painter = None
            self.problems.append(f"cairo {type(exc).__name__}: {exc}")

    def _png(self, svg: bytes) -> bytes:
        from powerctl.paint import Unsupported

        assert self.engines is not None
        if self.painter is not None:
            try:
                return bytes(self.painter.png(svg))
            except Unsupported:
                pass  # drawn by librsvg below, which falls back to other fonts
        return bytes(self.engines[1].png(svg))

    def _pdf(self, svgs: Sequence[bytes], dot: str | None = None, pages: Mapping[bytes, Any] | None = None) -> bytes:
        """PDF pages painted from the SVGs (`pages`: those already written, by SVG); else, for one flowchart,
        Graphviz's own cairo PDF of its DOT, and for several, librsvg's pages."""
        from powerctl.paint import Unsupported

        assert self.engines is not None
        if self.painter is not None:
            try:
                return bytes(self.painter.pdf(svgs, pages))
            except Unsupported:
                pass
        if dot is not None:
            return bytes(self.engines[0].draw(dot, ("pdf",))["pdf"])
        return bytes(self.engines[1].pdf(svgs))

    def draw(self, job: Job, formats: Sequence[str]) -> list[str]:
        if self.engines is None:
            return _draw_process(job, formats)
        from powerctl.gvlib import GraphvizError
        from powerctl.paint import PaintError
        from powerctl.raster import RasterError

        try:
            out = self.engines[0].draw(job.dot, ("svg",))
            if "png" in formats:
                out["png"] = self._png(out["svg"])
            if "pdf" in formats:
                out["pdf"] = self._pdf([out["svg"]], job.dot)
        except (GraphvizError, RasterError, PaintError) as exc:
            return [str(exc)]
        for fmt in formats:
            _write(job.target, fmt, out[fmt])
        page = self.painter.written(out["svg"]) if self.painter is not None and job.pages is not None else None
        if page is not None and job.pages is not None:
            # The merge may run in another worker: the page it would otherwise read and write again.
            with (job.pages / f"{job.target.name}.page").open("wb") as handle:
                pickle.dump((out["svg"], page), handle, protocol=pickle.HIGHEST_PROTOCOL)
        return []

    def merge(self, svgs: Sequence[Path], target: Path, pages: Path | None = None) -> list[str]:
        if self.engines is not None:
            from powerctl.paint import PaintError
            from powerctl.raster import RasterError

            written: dict[bytes, Any] = {}
            for path in svgs if pages is not None else ():
                assert pages is not None
                with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError):
                    with (pages / f"{path.stem}.page").open("rb") as handle:
                        svg, page = pickle.load(handle)
                    written[svg] = page  # keyed by the SVG it was made from: a stale page is never used
            try:
                data = self._pdf([path.read_bytes() for path in svgs], pages=written)
            except (RasterError, PaintError) as exc:
                return [str(exc)]
            target.unlink(missing_ok=True)  # a new file: never written through a link into another bundle
            target.write_bytes(data)
            return []
        cmd = ["rsvg-convert", "-f", "pdf", "-o", str(target), *map(str, svgs)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode != 0:
            return [proc.stderr.strip()[:300] or f"rsvg-convert 退出码 {proc.returncode}"]
        target.write_bytes(fix_pdf_dates(target.read_bytes()))
        return []


def drawing_path() -> tuple[bool, str]:
    """Whether flowcharts will be drawn in-process (Graphviz and librsvg loaded, else `dot` processes), and
    how, in words for `powerctl doctor`."""
    worker = _Worker()
    if worker.engines is None:
        return False, "每张流程图一个 dot 进程（较慢，结果相同）；进程内不可用：" + "；".join(worker.problems)
    how = f"进程内 Graphviz {worker.engines[0].version}（libgvc）"
    if worker.painter is not None:
        return True, how + "，PNG/PDF 由 powerctl 用 cairo 绘制"
    return True, how + "，PNG/PDF 由 librsvg 绘制（cairo 不可用：" + "；".join(worker.problems) + "）"


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


def _draw_batch(jobs: Sequence[Job], formats: Sequence[str]) -> list[str]:
    worker = _here()
    return [f"{job.target.name}: {problem}" for job in jobs for problem in worker.draw(job, formats)]


def _merge(svgs: Sequence[Path], target: Path, pages: Path | None) -> list[str]:
    return [f"{target.name}: {problem}" for problem in _here().merge(svgs, target, pages)]


def _batches(jobs: Sequence[Job]) -> Iterator[Sequence[Job]]:
    for start in range(0, len(jobs), _BATCH):
        yield jobs[start : start + _BATCH]


class Pending:
    """Work handed to the pool: `wait()` blocks until it is done and raises RenderError if any part failed."""

    def __init__(self, parts: Sequence[tuple[Future[list[str]] | list[str], int]], what: str) -> None:
        self._parts = parts
        self._what = what

    def wait(self, progress: Callable[[int], None] | None = None) -> None:
        problems: list[str] = []
        for part, size in self._parts:
            problems.extend(part if isinstance(part, list) else part.result())
            if progress is not None:
                progress(size)
        if problems:
            raise RenderError(f"{self._what}：\n" + "\n".join(problems[:20]))


def _call(function: Callable[..., None], *args: Any) -> list[str]:
    try:
        function(*args)
    except Exception as exc:  # reported by Pending.wait in the parent, with the function's name
        return [f"{getattr(function, '__name__', 'task')}: {type(exc).__name__}: {exc}"]
    return []


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

    def _run(self, inline: bool, function: Callable[..., list[str]], *args: Any) -> Future[list[str]] | list[str]:
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
    ) -> None:
        """Draw every job into each format; RenderError with Graphviz's messages if any failed."""
        self.start(jobs, formats).wait(progress)

    def merge_pdf(self, svgs: Sequence[Path], target: Path, pages: Path | None = None) -> Pending:
        """One PDF page per SVG (already drawn), in order; `pages`: the folder the drawing left pages in."""
        return Pending([(self._run(False, _merge, tuple(svgs), target, pages), 1)], "合并流程图 PDF 失败")

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
) -> None:
    """Draw every job into each format with a pool made for this call."""
    with Renderer(workers) as renderer:
        renderer.draw(jobs, formats, progress)
