"""The four ones (四个一) of a unit, built by one staged function into a folder renamed into place at the end.

load → validate (done by the caller) → 一表 tables → 一图 flowcharts → 一件 basis → site → source data →
(变更说明) → 一盘 archive → manifest. A failed or interrupted build leaves the previous bundle untouched.
A public bundle holds nothing of a power whose disclosure scope is not 社会公开: the documents, the
flowcharts, the site, the source data and the archive are all made from the audience's powers only.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from powerctl import chromium, rebuild, yamlwrite, zipwrite
from powerctl.change_notes import ChangeNotes
from powerctl.documents import basis as basis
from powerctl.documents import changes as changes
from powerctl.documents import site as site
from powerctl.documents import table as table
from powerctl.documents import table_pdf as table_pdf_writer
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.documents.public_source import public_source
from powerctl.graph import DrawOptions, flow_sheet
from powerctl.laws.resolve import LawResolver
from powerctl.model import Unit
from powerctl.render import Job, Pending, Renderer
from powerctl.sheet import FlowSheet

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: twenty times faster
FLOW_FORMATS = ("svg", "png", "pdf")
_PAGES = ".pages"  # in the stage: PDF pages the drawing leaves for the merged PDF, removed before the archive


class BundleError(Exception):
    """A stage failed; the message names it (exit code 2). The previous bundle is left as it was."""


@dataclass(frozen=True)
class BundleResult:
    unit: str
    folder: Path
    files: int
    powers: int
    kept: bool = False  # the previous bundle was still current (`rebuild`) and was kept


def _kind(rel: str) -> str:
    top = rel.split("/", 1)[0]
    return {"一表": "table", "一图": "flowchart", "一件": "basis", "site": "site", "源数据": "source"}.get(top, "other")


def _power_of(rel: str, ids: set[str]) -> str | None:
    stem = Path(rel).stem
    return stem if stem in ids else None


_built_for: int | None = None  # in a worker process (build_in_worker): the bundle process it works for


def _owner() -> int:
    """The process a stage folder is named after: the bundle command's, also when a worker builds the unit.
    When that process is gone (killed), its workers are too (render's worker initializer), and the next
    bundle removes what it left; a worker itself, killed, may linger a while as a zombie."""
    return _built_for if _built_for is not None else os.getpid()


def _alive(pid: str) -> bool:
    """Whether the process that made a stage folder still runs (another bundle into the same folder)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _flowcharts(
    docs: UnitDocs, stage: Path, opts: DrawOptions, renderer: Renderer, reuse: _Reuse
) -> tuple[dict[str, Path], dict[str, FlowSheet], Pending]:
    """Start drawing the unit's flowcharts (those drawn the same before are linked instead); their SVG paths,
    their sheets, and the drawing to wait for."""
    jobs = []
    svgs: dict[str, Path] = {}
    sheets: dict[str, FlowSheet] = {}
    for power in docs.powers:
        if power.flow is None or not power.flow.steps:
            continue
        target = stage / "一图" / power.id
        svgs[power.id] = target.with_suffix(".svg")
        flow = sheets[power.id] = flow_sheet(docs.unit, power, opts)
        rels = [f"一图/{power.id}.{fmt}" for fmt in FLOW_FORMATS]
        if not reuse.link(f"一图/{power.id}", "flowchart", flow.key(), rels):
            jobs.append(Job(flow, target, stage / _PAGES))
    return svgs, sheets, renderer.start(jobs, FLOW_FORMATS)


class _Reuse:
    """Drawn files (flowcharts, the merged PDF, the table PDF) of the unit's previous bundle, linked into the
    stage when what they were drawn from and the drawing chain are the same (`rebuild.Previous`); the key of
    every drawn file, for the record."""

    def __init__(self, drawing: str | None, previous: rebuild.Previous | None, stage: Path) -> None:
        self.drawing = drawing
        self.previous = previous
        self.stage = stage
        self.derived: dict[str, str] = {}
        self.digests: dict[str, tuple[int, str]] = {}  # of the files linked: the previous manifest's

    def link(self, name: str, kind: str, inputs: list[str], rels: list[str]) -> bool:
        if self.drawing is None:
            return False
        key = self.derived[name] = rebuild.derivation(self.drawing, kind, *inputs)
        if self.previous is None or not self.previous.link(name, key, rels, self.stage):
            return False
        for rel in rels:
            known = self.previous.digest(rel)
            if known is not None:
                self.digests[rel] = known
        return True


def _compiled(unit: Unit) -> str | None:
    """编制日期 on the cover of 全部流程图.pdf: the day of the catalogue's latest recorded change, if any (from
    the catalogue, so that the same catalogue gives the same document)."""
    dates = [c.date for c in unit.changes if c.date]
    if not dates:
        return None
    year, month, day = max(dates)[:10].split("-")
    return f"{int(year)} 年 {int(month)} 月 {int(day)} 日"


def _settle(started: list[Pending]) -> None:
    """Let work already handed to the pool finish (its errors are moot) so nothing writes into a removed stage."""
    for pending in started:
        with suppress(Exception):  # the build has already failed for another reason
            pending.wait()


# Already compressed: deflating them again costs about a second per unit and saves a few per cent.
_STORED = frozenset({".png", ".pdf", ".docx", ".xlsx", ".zip"})


def _zip(stage: Path, target: Path, known: Mapping[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """A reproducible zip: sorted entries, fixed times and permissions. Returns each entry's size and sha256,
    and the archive's (the manifest's): from the bytes already read, or `known` (files linked from the
    previous bundle, whose manifest gave them)."""
    files = sorted(p for p in stage.rglob("*") if p.is_file() and p != target)
    sums: dict[str, tuple[int, str]] = {}
    entries: list[tuple[str, bytes, bool]] = []
    for path in files:
        rel = path.relative_to(stage).as_posix()
        data = path.read_bytes()
        given = known.get(rel)
        sums[rel] = given if given is not None and given[0] == len(data) else (len(data), _sha256(data))
        entries.append((rel, data, path.suffix not in _STORED))
    sums[target.relative_to(stage).as_posix()] = zipwrite.write(target, entries)
    return sums


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(
    stage: Path, unit: Unit, audience: str, source_commit: str | None, ids: set[str], sums: dict[str, tuple[int, str]]
) -> None:
    files = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = path.relative_to(stage).as_posix()
        if rel not in sums:
            data = path.read_bytes()
            sums[rel] = (len(data), _sha256(data))
        size, digest = sums[rel]
        kind = "archive" if rel.endswith(".zip") and "/" not in rel else _kind(rel)
        files.append(
            {
                "path": rel,
                "kind": kind,
                "power": _power_of(rel, ids) if kind in ("flowchart", "site") else None,
                "bytes": size,
                "sha256": digest,
            }
        )
    manifest = {"version": 1, "unit": unit.id, "audience": audience, "source_commit": source_commit, "files": files}
    (stage / "manifest.json").write_text(_manifest_text(manifest), encoding="utf-8")


def _manifest_text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def _restamp(folder: Path, source_commit: str | None) -> list[int] | None:
    """Bring a kept bundle's manifest to this build's source commit (the only part that names the commit);
    the new manifest's size, time and inode if it changed."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("source_commit") == source_commit:
        return None
    manifest["source_commit"] = source_commit
    partial = folder.parent / f".{folder.name}.manifest-{_owner()}"
    partial.write_text(_manifest_text(manifest), encoding="utf-8")
    st = partial.stat()
    partial.replace(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _clear_leftovers(out: Path, unit: str) -> None:
    """Stage folders, old folders and manifests left by a build of this unit that was killed (its process is
    gone); those of a build still running are left alone."""
    for marker in ("building", "old", "manifest"):
        for left in out.glob(f".{unit}.{marker}-*"):
            if not _alive(left.name.split(f"{marker}-", 1)[1].split("-", 1)[0]):
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    with suppress(OSError):
                        left.unlink()


def _printed_as_expected(folder: Path) -> bool:
    """Whether the table PDF came from the printer this machine uses (Chromium where installed): one printed
    by WeasyPrint because Chromium failed midway must not be kept as if it were current."""
    try:
        data = (folder / "一表" / "权力清单.pdf").read_bytes()
    except OSError:
        return False
    if b"/Producer (powerctl)" in data:  # typeset by powerctl (documents.table_pdf): no printer to fail
        return True
    return (b"HeadlessChrome" in data) == (chromium.find() is not None)


def kept_bundle(
    unit: Unit, out: Path, audience: str, source_commit: str | None, key: str | None
) -> BundleResult | None:
    """The unit's previous bundle in ``out/<unit id>/`` if it was built with `key` and left untouched (its
    manifest brought to this source commit), after removing what killed builds left; else None."""
    _clear_leftovers(out, unit.id)
    if key is not None:
        found = rebuild.current(out, unit.id, key)
        if found is not None:
            files, derived = found
            try:
                manifest = _restamp(out / unit.id, source_commit)
                if manifest is not None:
                    rebuild.record(out, unit.id, key, {**files, "manifest.json": manifest}, derived)
            except (OSError, ValueError) as exc:
                raise BundleError(f"单位 {unit.id} 的成果包无法更新：{exc}") from exc
            return BundleResult(unit.id, out / unit.id, len(files), len(audience_powers(unit, audience)), kept=True)
    return None


def build_in_worker(
    unit: Unit,
    out: Path,
    audience: str,
    laws: LawResolver,
    font: str,
    source_commit: str | None,
    notes: ChangeNotes | None,
    key: str | None,
    reuse: bool,
    drawing: str | None,
    paper: str = "auto",
) -> BundleResult:
    """`build_unit_bundle` as a task of a worker process (`Renderer.call`): the unit is built there whole,
    its flowcharts drawn in that process, so that units, not only drawings, go to every core (the documents
    and the archive of a unit took a single process otherwise, and bounded a bundle whose drawings were all
    linked from the last one)."""
    global _built_for
    _built_for = os.getppid() if multiprocessing.parent_process() is not None else None  # else: this process
    with Renderer(workers=1) as here:
        return build_unit_bundle(
            unit,
            out,
            audience,
            laws,
            font=font,
            paper=paper,
            source_commit=source_commit,
            notes=notes,
            renderer=here,
            key=key,
            reuse=reuse,
            drawing=drawing,
        )


def build_unit_bundle(
    unit: Unit,
    out: Path,
    audience: str,
    laws: LawResolver,
    *,
    font: str,
    paper: str = "auto",
    source_commit: str | None = None,
    notes: ChangeNotes | None = None,
    progress: Callable[[str], None] | None = None,
    renderer: Renderer | None = None,
    key: str | None = None,
    reuse: bool = True,
    drawing: str | None = None,
) -> BundleResult:
    """Build ``out/<unit id>/`` for one audience; raise BundleError naming the stage that failed.

    With `key` (`rebuild.unit_key`), the build is recorded, and (with `reuse`) a previous bundle of the same
    key left untouched is kept instead of being built again. With `drawing` (`rebuild.drawing_chain`) too,
    a unit that is built again links the drawn files of its previous bundle that would come out the same."""
    kept = kept_bundle(unit, out, audience, source_commit, key if reuse else None)
    if kept is not None:
        return kept
    step = progress or (lambda _: None)
    drawing = drawing if key is not None else None
    previous = rebuild.Previous(out, unit.id) if drawing is not None and reuse else None
    with ExitStack() as stack:
        pool = renderer if renderer is not None else stack.enter_context(Renderer())
        result, files, derived = _build(
            unit, out, audience, laws, (font, paper), source_commit, notes, step, pool, (drawing, previous)
        )
    if key is not None and _printed_as_expected(result.folder):
        with suppress(OSError):  # without a record the unit is simply built again next time
            rebuild.record(out, unit.id, key, files, derived)
    return result


def _build(
    unit: Unit,
    out: Path,
    audience: str,
    laws: LawResolver,
    drawn: tuple[str, str],  # the font and the paper of the flowcharts
    source_commit: str | None,
    notes: ChangeNotes | None,
    step: Callable[[str], None],
    pool: Renderer,
    earlier: tuple[str | None, rebuild.Previous | None],
) -> tuple[BundleResult, dict[str, list[int]], dict[str, str]]:
    out.mkdir(parents=True, exist_ok=True)
    stage = out / f".{unit.id}.building-{_owner()}-{secrets.token_hex(4)}"
    stage.mkdir()  # with the umask's permissions (mkdtemp's 0700 would hide the published folder)
    reuse = _Reuse(*earlier, stage)
    stage_name = "准备"
    started: list[Pending] = []  # waited for before the stage folder is removed on failure
    try:
        powers = audience_powers(unit, audience)
        ids = {p.id for p in powers}
        docs = UnitDocs(unit, powers, audience, laws, {p: f"一图/{p}.svg" for p in ids})

        (stage / "一图").mkdir()
        (stage / _PAGES).mkdir()
        (stage / "一表").mkdir()
        (stage / "一件").mkdir()
        # The pool makes the table PDF (one long task, so it goes first) and draws the flowcharts while
        # this process writes the rest.
        stage_name = "一表"
        step(stage_name)
        made = table.tables(docs)
        page = table.html(docs, made)
        table_pdf = None
        if not reuse.link("一表/权力清单.pdf", "table", [page], ["一表/权力清单.pdf"]):
            target = stage / "一表" / "权力清单.pdf"
            label, heading = AUDIENCE_ZH[audience], table.title(docs)
            if table_pdf_writer.can_set(made, unit.name, label, heading):  # typeset here, by a worker
                table_pdf = pool.submit(table_pdf_writer.write, made, unit.name, label, heading, target, page)
            elif chromium.find() is not None:  # Chromium prints in its own processes: a thread waits for it
                table_pdf = pool.submit_waiting(table.write_pdf, page, target)
            else:  # WeasyPrint computes: a worker
                table_pdf = pool.submit(table.write_pdf, page, target)
            started.append(table_pdf)
        stage_name = "一图"
        opts = DrawOptions(internal=audience == "internal", font=drawn[0], paper=drawn[1])
        svgs, sheets, drawing = _flowcharts(docs, stage, opts, pool, reuse)
        started.append(drawing)

        stage_name = "一表"
        table.write_xlsx(docs, stage / "一表" / "权力清单.xlsx")
        (stage / "一表" / "权力清单.html").write_text(page, encoding="utf-8")

        stage_name = "一件"
        step(stage_name)
        basis.write_docx(docs, stage / "一件" / "依据文件汇编.docx")
        (stage / "一件" / "依据文件汇编.html").write_text(basis.html(docs), encoding="utf-8")

        stage_name = "一图"
        drawing.wait()
        merged = None
        pages = [reuse.derived.get(f"一图/{power}", "") for power in svgs]
        if svgs and not reuse.link("一图/全部流程图.pdf", "merged", pages, ["一图/全部流程图.pdf"]):
            charts = [(sheets[power], power) for power in svgs]
            cover = (unit.name, _compiled(unit))
            merged = pool.merge_pdf(charts, stage / "一图" / "全部流程图.pdf", cover, stage / _PAGES)
            started.append(merged)

        stage_name = "网站"
        step(stage_name)
        site.write_site(docs, stage / "site", svgs)

        stage_name = "源数据"
        step(stage_name)
        (stage / "源数据").mkdir()
        data = unit.doc.data if isinstance(unit.doc.data, dict) else {}
        if audience == "internal" and unit.doc.text:
            text = unit.doc.text  # the file as kept in git, comments included
        else:
            source = data if audience == "internal" else public_source(data, ids)
            text = yamlwrite.dump(source) or yaml.dump(
                source, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=120
            )
        (stage / "源数据" / f"{unit.id}.yaml").write_text(text, encoding="utf-8")
        if notes is not None:
            (stage / "变更说明.md").write_text(notes.markdown, encoding="utf-8")
            (stage / "变更说明.html").write_text(changes.html(notes), encoding="utf-8")
            (stage / "变更说明.docx").write_bytes(changes.docx_bytes(notes))

        stage_name = "一表"
        if table_pdf is not None:
            table_pdf.wait()
        stage_name = "一图"
        if merged is not None:
            merged.wait()
        shutil.rmtree(stage / _PAGES)

        stage_name = "一盘"
        step(stage_name)
        sums = _zip(stage, stage / f"{unit.id}-{audience}.zip", reuse.digests)
        _manifest(stage, unit, audience, source_commit, ids, sums)

        files = rebuild.snapshot(stage)  # before the rename, which keeps each file's size, time and inode
        target = out / unit.id
        old = out / f".{unit.id}.old-{_owner()}"
        if target.exists():
            target.rename(old)
        stage.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return BundleResult(unit.id, target, len(files), len(powers)), files, reuse.derived
    except BundleError:
        _settle(started)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    except Exception as exc:
        _settle(started)
        shutil.rmtree(stage, ignore_errors=True)
        raise BundleError(f"单位 {unit.id} 的“{stage_name}”阶段失败：{type(exc).__name__}: {exc}") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
