"""Running Graphviz: many DOT texts in few `dot` processes, in parallel, with deterministic output.

Graphviz starts slowly (~30 ms a process, mostly fonts), so graphs are written to a temporary
folder and drawn in batches, one `dot -O` run per batch, a batch per core at a time. Without a
CJK font Graphviz still exits 0 and draws boxes, so fonts are checked with fontconfig first.

Graphs drawn in one `dot` process share some state: a graph's exact layout can depend on the
graphs before it in its batch and on the formats asked for. So batches are a function of the
jobs alone (sorted by target, fixed size), never of the number of cores, and the order in which
`dot` writes clusters (which varies between runs) is normalised in the SVG. PDFs are made from
that SVG by rsvg-convert, because `dot`'s own PDFs are not stable from run to run. The same
catalogue and the same options give byte-identical files on any machine with the same tools.
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
BATCH = 16
_CLUSTER = re.compile(r'<g id="clust(\d+)" class="cluster">\n.*?</g>\n', re.DOTALL)
_PAGE_ID = re.compile(r'<g id="page\d+,\d+_graph0"')
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) ?\((D:[^)]*)\)")
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


def check_tools(font: str, formats: Sequence[str] = ("svg",)) -> None:
    """Graphviz and a CJK font are there, and the chosen font is one of them; else RenderError."""
    if "pdf" in formats and shutil.which("rsvg-convert") is None:
        raise RenderError(
            "未找到 rsvg-convert，无法生成 PDF。\n"
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
        new = bytes(next(digits) if 48 <= b <= 57 else b for b in date[2:])
        return m.group(0).replace(date, b"D:" + new)

    return _PDF_DATE.sub(fixed, data)


def normalise_svg(text: str) -> str:
    """One graph's SVG as a lone `dot` run writes it.

    Several graphs in one `dot` process share counters, so a later graph gets its clusters in
    another order and a page id; the drawing is the same. Clusters are put back in number order.
    """
    text = _PAGE_ID.sub('<g id="graph0"', text, count=1)
    blocks = list(_CLUSTER.finditer(text))
    if len(blocks) < 2:
        return text
    ordered = sorted(blocks, key=lambda m: int(m.group(1)))
    start, end = blocks[0].start(), blocks[-1].end()
    if text[start:end] != "".join(m.group(0) for m in blocks):
        return text  # not one contiguous run of clusters: leave it as drawn
    return text[:start] + "".join(m.group(0) for m in ordered) + text[end:]


def _run_batch(folder: Path, jobs: Sequence[tuple[int, Job]], formats: Sequence[str], env: dict[str, str]) -> list[str]:
    files = [f"{i}.dot" for i, _ in jobs]
    drawn = [fmt for fmt in formats if fmt != "pdf"]
    if "pdf" in formats and "svg" not in drawn:
        drawn.append("svg")  # the PDF is made from the SVG
    cmd = ["dot", *(f"-T{fmt}" for fmt in drawn), "-O", *files]
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, env=env, timeout=600, check=False)
    problems = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("Warning")]
    if proc.returncode != 0 and not problems:
        problems = [f"dot 退出码 {proc.returncode}"]
    for i, job in jobs:
        job.target.parent.mkdir(parents=True, exist_ok=True)
        for fmt in drawn:
            produced = folder / f"{i}.dot.{fmt}"
            if not produced.is_file():
                problems.append(f"{job.target.name}.{fmt} 没有生成")
                continue
            if fmt == "svg":
                svg = normalise_svg(produced.read_text(encoding="utf-8"))
                produced.write_text(svg, encoding="utf-8")
                if "pdf" in formats:
                    problems.extend(_svg_to_pdf(produced, job.target.with_suffix(".pdf"), env))
                if "svg" not in formats:
                    continue
            shutil.move(produced, job.target.with_suffix(f".{fmt}"))
    return problems


def _svg_to_pdf(svg: Path, pdf: Path, env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        ["rsvg-convert", "-f", "pdf", "-o", str(pdf), str(svg)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0 or not pdf.is_file():
        return [f"{pdf.name} 没有生成：{proc.stderr.strip()[:200]}"]
    pdf.write_bytes(fix_pdf_dates(pdf.read_bytes()))
    return []


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
        numbered = list(enumerate(sorted(jobs, key=lambda j: j.target.as_posix())))
        for i, job in numbered:
            (folder / f"{i}.dot").write_text(job.dot, encoding="utf-8")
        batches = [numbered[k : k + BATCH] for k in range(0, len(numbered), BATCH)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for batch, found in zip(
                batches, pool.map(lambda b: _run_batch(folder, b, formats, env), batches), strict=True
            ):
                problems.extend(found)
                if progress is not None:
                    progress(len(batch))
    if problems:
        raise RenderError("Graphviz 绘图失败：\n" + "\n".join(problems[:20]))
