"""Running Graphviz: one `dot` process per flowchart, as many at a time as there are cores.

Several graphs in one `dot` run would be about four times faster, but measured on Graphviz 2.43
the layout of every graph after the first then changes from run to run (spline points, cluster
order), and byte-identical output for the same catalogue is a requirement; a lone `dot` run is
stable, PDF included once its dates are fixed. Without a CJK font Graphviz still exits 0 and
draws boxes, so fonts are checked with fontconfig first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("svg", "png", "pdf")
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) ?\(((?:D:)?[0-9][^)]*)\)")
_FIXED_DIGITS = b"20000101000000000000"


class RenderError(Exception):
    """Graphviz or a font is missing, or Graphviz failed: a message with the fix, exit code 2."""


@dataclass(frozen=True)
class Job:
    dot: str
    target: Path  # without suffix: target.with_suffix(".svg") etc.


def _fc_list(*args: str) -> str:
    try:
        out = subprocess.run(["fc-list", *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout


def check_tools(font: str, merge_pdf: bool = False) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them (and rsvg-convert, when
    PDFs are to be merged into one); else RenderError."""
    if merge_pdf and shutil.which("rsvg-convert") is None:
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


def fix_pdf_dates(data: bytes) -> bytes:
    """PDF creation/modification dates set to a fixed day, same length, so the xref stays valid."""

    def fixed(m: re.Match[bytes]) -> bytes:
        date = m.group(1)
        digits = iter(_FIXED_DIGITS)
        return m.group(0).replace(date, bytes(next(digits) if 48 <= b <= 57 else b for b in date))

    return _PDF_DATE.sub(fixed, data)


def _draw(folder: Path, number: int, job: Job, formats: Sequence[str], env: dict[str, str]) -> list[str]:
    """Draw one graph in its own `dot` process, every format at once; the problems, if any."""
    source = folder / f"{number}.dot"
    source.write_text(job.dot, encoding="utf-8")
    cmd = ["dot", *(f"-T{fmt}" for fmt in formats), "-O", source.name]
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, env=env, timeout=300, check=False)
    problems = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("Warning")]
    if proc.returncode != 0 and not problems:
        problems = [f"dot 退出码 {proc.returncode}"]
    job.target.parent.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        produced = folder / f"{number}.dot.{fmt}"
        if not produced.is_file():
            problems.append(f"{job.target.name}.{fmt} 没有生成")
            continue
        if fmt == "pdf":
            produced.write_bytes(fix_pdf_dates(produced.read_bytes()))
        shutil.move(produced, job.target.with_suffix(f".{fmt}"))
    return [f"{job.target.name}: {p}" for p in problems]


def render(
    jobs: Sequence[Job],
    formats: Sequence[str] = ("svg",),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Draw every job into each format; RenderError with Graphviz's messages if any failed."""
    workers = workers or max(1, os.cpu_count() or 1)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "946684800"}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="powerctl-render-") as tmp:
        folder = Path(tmp)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_draw, folder, i, job, formats, env) for i, job in enumerate(jobs)]
            for future in futures:
                problems.extend(future.result())
                if progress is not None:
                    progress(1)
    if problems:
        raise RenderError("Graphviz 绘图失败：\n" + "\n".join(problems[:20]))
