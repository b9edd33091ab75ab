"""Drawing flowcharts in the worker processes (`powerctl.workers`), each keeping a `paths.Drawer`; with one
worker, in this process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powerctl.drawing import sheet
from powerctl.drawing.gvlib import GraphvizError
from powerctl.drawing.paths import Drawer, DrawError, RenderError
from powerctl.drawing.sheet import FlowSheet
from powerctl.workers import Workers

FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class Job:
    sheet: FlowSheet
    target: Path  # without suffix: target.with_suffix(".svg") etc.


def _write(path: Path, data: bytes) -> None:
    """A new file (never written through a link into another bundle). Its folder was made by the parent: a
    worker never recreates one that its (killed) parent's successor has since removed."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)


@dataclass
class Outcome:
    """What a piece of work said: problems, notes (charts that needed A3 or several pages, and why), and the
    path that drew each file (file path → `paths` name)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drawn: dict[str, str] = field(default_factory=dict)

    def add(self, other: Outcome) -> None:
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)
        self.drawn.update(other.drawn)


class _Worker(Drawer):
    """A process's drawer with the jobs it does."""

    def draw(self, job: Job, formats: Sequence[str]) -> Outcome:
        """Draw one flowchart into each format."""
        self.recording = "png" in formats or "pdf" in formats
        try:
            drawn = sheet.draw(job.sheet, self.layout)
            out = {"svg": (drawn.web, self.svg_path)}
            if "png" in formats:
                out["png"] = self.png(drawn.png, drawn.png_dpi)
            if "pdf" in formats:
                out["pdf"] = self.pdf(drawn.pages)
        except (GraphvizError, DrawError, ValueError) as exc:
            return Outcome([f"{job.target.name}: {exc}"])
        finally:
            self.forget()
        done = Outcome()
        for fmt in formats:
            path = job.target.with_suffix(f".{fmt}")
            _write(path, out[fmt][0])
            done.drawn[str(path)] = out[fmt][1]
        if drawn.note:
            done.notes.append(f"{job.target.parent.name}/{job.target.name}：{drawn.note}")
        return done


_worker: _Worker | None = None
_INLINE = threading.Lock()


def _here() -> _Worker:
    global _worker
    if _worker is None:
        _worker = _Worker()
    return _worker


def picture_png(svg: bytes, dpi: float) -> tuple[bytes, str]:
    """A PNG of a drawing made as SVG (a chart of `documents.charts`), by librsvg (`rsvg-convert`); the PNG and
    the path that drew it."""
    from powerctl.drawing.paths import _rsvg_convert

    return _rsvg_convert([svg], "png", dpi), "rsvg-convert"


def _draw_batch(jobs: Sequence[Job], formats: Sequence[str]) -> Outcome:
    worker = _here()
    done = Outcome()
    for job in jobs:
        done.add(worker.draw(job, formats))
    return done


class Pending:
    """Work handed to the pool: `wait()` blocks until it is done and raises RenderError if any part failed."""

    def __init__(self, parts: Sequence[tuple[Future[Outcome] | Outcome, int]], what: str) -> None:
        self._parts = parts
        self._what = what

    def wait(self, progress: Callable[[int], None] | None = None) -> Outcome:
        """What the work said (its notes, and the path that drew each file)."""
        done = Outcome()
        for part, size in self._parts:
            done.add(part if isinstance(part, Outcome) else part.result())
            if progress is not None:
                progress(size)
        if done.problems:
            raise RenderError(f"{self._what}：\n" + "\n".join(done.problems[:20]))
        return done


def _call(function: Callable[..., dict[str, str] | None], *args: Any) -> Outcome:
    """A task whose result, if any, says which path made which file."""
    try:
        drawn = function(*args)
    except OSError:
        raise  # a file or folder the system refused: raised in the parent as itself, naming the path
    except DrawError as exc:  # worded for the clerk: the message alone
        return Outcome([str(exc)])
    except Exception as exc:  # reported by Pending.wait in the parent, with the function's name
        return Outcome([f"{getattr(function, '__name__', 'task')}: {type(exc).__name__}: {exc}"])
    return Outcome(drawn=dict(drawn or {}))


class Renderer(Workers):
    """The worker processes, drawing: a bundle draws unit after unit in them, and hands them its table PDFs."""

    def _run(self, inline: bool, function: Callable[..., Outcome], *args: Any) -> Future[Outcome] | Outcome:
        if inline or self.workers == 1:
            with _INLINE:  # Graphviz keeps global state: one drawing at a time in this process
                return function(*args)
        return self._executor().submit(function, *args)

    def start(self, jobs: Sequence[Job], formats: Sequence[str] = ("svg",)) -> Pending:
        """Start drawing every job into each format (in this process for a handful of graphs)."""
        inline = len(jobs) <= 2
        for folder in {job.target.parent for job in jobs}:
            folder.mkdir(parents=True, exist_ok=True)
        # A batch is some 0.1 s of work: SVGs alone go eight at a time (fewer round trips), charts with PNG and
        # PDF two at a time, so that no core waits long at the end for the other's last batch.
        size = 8 if tuple(formats) == ("svg",) else 2
        batches = [jobs[k : k + size] for k in range(0, len(jobs), size)]
        parts = [(self._run(inline, _draw_batch, batch, tuple(formats)), len(batch)) for batch in batches]
        return Pending(parts, "Graphviz 绘图失败")

    def draw(
        self, jobs: Sequence[Job], formats: Sequence[str] = ("svg",), progress: Callable[[int], None] | None = None
    ) -> Outcome:
        """Draw every job into each format; RenderError with Graphviz's messages if any failed."""
        return self.start(jobs, formats).wait(progress)

    def submit(self, function: Callable[..., dict[str, str] | None], *args: Any, what: str = "后台任务失败") -> Pending:
        """Other slow work for the same processes (a module-level function and picklable arguments; what it
        returns, if anything, names the path that made each file it wrote); `what` heads its problems."""
        return Pending([(self._run(False, _call, function, *args), 1)], what)


def render(
    jobs: Sequence[Job],
    formats: Sequence[str] = ("svg",),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Draw every job into each format with a pool made for this call (`Renderer.draw`)."""
    with Renderer(workers) as renderer:
        return renderer.draw(jobs, formats, progress)
