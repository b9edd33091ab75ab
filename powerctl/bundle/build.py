"""The four ones (四个一) of a unit, built by one linear function of named stages into a folder renamed into
place at the end.

准备 → 一表 (tables; the PDF handed to the pool) → 一图 (flowcharts handed to the pool) → 一件 (basis) →
全部流程图 (the merged PDF, once the drawings are done) → 网站 → 源数据 → 变更说明 → 一表 PDF and 全部流程图
waited for → 一盘 (archive and manifest) → 发布 (renamed into place). A failed or interrupted build leaves the
previous bundle untouched. A public bundle holds nothing of a power whose disclosure scope is not 社会公开:
the documents, the flowcharts, the site, the source data and the archive are all made from the audience's
powers only, and the public source data is built from a list of public fields (`public_source`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from powerctl.bundle import folders, manifest, rebuild
from powerctl.catalogue.model import Unit
from powerctl.documents import basis, changes, flowbook, site, table, table_pdf
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.documents.flowchart import DrawOptions, flow_sheet
from powerctl.documents.public_source import public_source
from powerctl.documents.signoff import compiled  # 编制日期 on the cover of 全部流程图.pdf
from powerctl.domain.change_notes import ChangeNotes
from powerctl.domain.operation import UnitOperation
from powerctl.drawing.pool import Job, Outcome, Pending, Renderer
from powerctl.drawing.sheet import FlowSheet
from powerctl.laws.resolve import LawResolver
from powerctl.source import pathgate
from powerctl.source.oserror import describe

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter (PyYAML's wheels carry it)
FLOW_FORMATS = ("svg", "png", "pdf")
_TABLE_PDF = "一表/权力清单.pdf"
_MERGED = "一图/全部流程图.pdf"


class BundleError(Exception):
    """A stage failed; the message names it (exit code 2). The previous bundle is left as it was."""


@dataclass(frozen=True)
class BundleResult:
    unit: str
    folder: Path
    files: int
    powers: int
    kept: bool = False  # the previous bundle was still current (`rebuild`) and was kept
    notes: tuple[str, ...] = ()  # files of the previous bundle found altered, so not kept or linked


@dataclass(frozen=True)
class Request:
    """What one unit's bundle is built from (besides the pool that draws it)."""

    unit: Unit
    out: Path
    audience: str
    laws: LawResolver
    font: str
    paper: str = "auto"
    source_commit: str | None = None
    notes: ChangeNotes | None = None
    key: str | None = None  # `rebuild.unit_key`: the build is recorded, and a current bundle kept
    reuse: bool = True
    drawing: str | None = None  # `rebuild.drawing_chain`: drawn files of the previous bundle may be linked
    operation: UnitOperation | None = None  # internal: the unit's records counted (the 电子监察 page)
    duties: str = "auto"  # `Config.duties`: 一表's 责任事项 and 追责情形 columns (auto, on, off)


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
        self.drawn_by: dict[str, str] = {}  # of the files linked: the path that drew them

    def link(self, name: str, kind: str, inputs: list[str], rels: list[str]) -> bool:
        if self.drawing is None:
            return False
        key = self.derived[name] = rebuild.derivation(self.drawing, kind, *inputs)
        if self.previous is None or not self.previous.link(name, key, rels, self.stage):
            return False
        for rel in rels:
            known = self.previous.digest(rel)
            if known is not None:
                self.digests[rel] = known[:2]
                if known[2] is not None:
                    self.drawn_by[rel] = known[2]
        return True


@dataclass
class _Build:
    """One build of one unit's bundle: each method is a stage, run in order by `_build`."""

    request: Request
    pool: Renderer
    stage: Path
    reuse: _Reuse
    started: list[Pending] = field(default_factory=list)  # waited for before the stage is removed on failure
    drawn_by: dict[str, str] = field(default_factory=dict)  # file in the stage → the path that drew it
    docs: UnitDocs | None = None
    ids: set[str] = field(default_factory=set)
    tables: list[table.Table] = field(default_factory=list)
    page: str = ""
    sheets: dict[str, FlowSheet] = field(default_factory=dict)
    table_pdf: Pending | None = None
    drawing: Pending | None = None
    merged: Pending | None = None

    @property
    def unit(self) -> Unit:
        return self.request.unit

    @property
    def made(self) -> UnitDocs:
        assert self.docs is not None
        return self.docs

    def _wait(self, pending: Pending | None) -> Outcome:
        done = pending.wait() if pending is not None else Outcome()
        for file, how in done.drawn.items():
            self.drawn_by[Path(file).relative_to(self.stage).as_posix()] = how
        return done

    def prepare(self) -> None:
        powers = audience_powers(self.unit, self.request.audience)
        self.ids = {p.id for p in powers}
        unsafe_names(self.unit, self.ids)
        svgs = {p: f"一图/{p}.svg" for p in self.ids}
        self.docs = UnitDocs(self.unit, powers, self.request.audience, self.request.laws, svgs, self.request.duties)
        for name in ("一图", "一表", "一件", "源数据"):
            (self.stage / name).mkdir()

    def tables_and_pdf(self) -> None:
        """The tables, their workbook and page; the PDF handed to the pool first (one long task)."""
        self.tables = table.tables(self.made)
        self.page = table.html(self.made, self.tables)
        if not self.reuse.link(_TABLE_PDF, "table", [self.page], [_TABLE_PDF]):
            label, heading = AUDIENCE_ZH[self.request.audience], table.title(self.made)
            args = (self.tables, self.unit.name, label, heading, self.stage / _TABLE_PDF)
            self.table_pdf = self.pool.submit(table_pdf.write, *args)
            self.started.append(self.table_pdf)
        table.write_xlsx(self.made, self.stage / "一表" / "权力清单.xlsx")
        (self.stage / "一表" / "权力清单.html").write_text(self.page, encoding="utf-8")

    def flowcharts(self) -> None:
        """Every flowchart handed to the pool (those drawn the same before are linked instead)."""
        opts = DrawOptions(internal=self.request.audience == "internal", font=self.request.font,
                           paper=self.request.paper)  # fmt: skip
        jobs = []
        for power in self.made.powers:
            if power.flow is None or not power.flow.steps:
                continue
            flow = self.sheets[power.id] = flow_sheet(self.unit, power, opts)
            rels = [f"一图/{power.id}.{fmt}" for fmt in FLOW_FORMATS]
            if not self.reuse.link(f"一图/{power.id}", "flowchart", flow.key(), rels):
                jobs.append(Job(flow, self.stage / "一图" / power.id))
        self.drawing = self.pool.start(jobs, FLOW_FORMATS)
        self.started.append(self.drawing)

    def basis(self) -> None:
        basis.write_docx(self.made, self.stage / "一件" / "依据文件汇编.docx")
        (self.stage / "一件" / "依据文件汇编.html").write_text(basis.html(self.made), encoding="utf-8")

    def merged_pdf(self) -> None:
        """全部流程图.pdf, once the flowcharts are drawn: a cover and the contents, then their PDFs joined
        (`documents.flowbook`, in a worker)."""
        self._wait(self.drawing)
        pages = [self.reuse.derived.get(f"一图/{power}", "") for power in self.sheets]
        cover = [self.unit.name, compiled(self.unit) or ""]  # the 编制日期 is in no chart: a key of its own
        if self.sheets and not self.reuse.link(_MERGED, "merged", [*pages, *cover], [_MERGED]):
            charts = [(flow.title, self.stage / "一图" / f"{power}.pdf") for power, flow in self.sheets.items()]
            font = next(iter(self.sheets.values())).font
            args = (charts, self.unit.name, compiled(self.unit), font, self.stage / _MERGED)
            self.merged = self.pool.submit(flowbook.write, *args, what="全部流程图.pdf 生成失败")
            self.started.append(self.merged)

    def website(self) -> None:
        svgs = {power: self.stage / "一图" / f"{power}.svg" for power in self.sheets}
        operation = self.request.operation if self.request.audience == "internal" else None
        site.write_site(self.made, self.stage / "site", svgs, operation)

    def source(self) -> None:
        """The unit's data: internal, the file as kept in git (comments included); public, the public fields
        of the public powers only."""
        data = self.unit.doc.data if isinstance(self.unit.doc.data, dict) else {}
        if self.request.audience == "internal" and self.unit.doc.text:
            text = self.unit.doc.text
        else:
            chosen = data if self.request.audience == "internal" else public_source(data, self.ids)
            text = yaml.dump(chosen, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=120)
        (self.stage / "源数据" / f"{self.unit.id}.yaml").write_text(text, encoding="utf-8")

    def change_notes(self) -> None:
        notes = self.request.notes
        if notes is not None:
            (self.stage / "变更说明.md").write_text(notes.markdown, encoding="utf-8")
            (self.stage / "变更说明.html").write_text(changes.html(notes), encoding="utf-8")
            (self.stage / "变更说明.docx").write_bytes(changes.docx_bytes(notes))

    def printed(self) -> None:
        """The table PDF and the merged PDF done."""
        self._wait(self.table_pdf)
        self._wait(self.merged)

    def archive(self) -> None:
        """一盘: the archive of everything, then manifest.json."""
        audience = self.request.audience
        sums = manifest.write_archive(self.stage, self.stage / f"{self.unit.id}-{audience}.zip", self.reuse.digests)
        head = {"unit": self.unit.id, "audience": audience, "source_commit": self.request.source_commit}
        manifest.write_manifest(self.stage, head, self.ids, sums, {**self.reuse.drawn_by, **self.drawn_by})


def _build(request: Request, pool: Renderer, step: Callable[[str], None]) -> tuple[BundleResult, dict[str, list[int]]]:
    """Build the unit's bundle in a stage folder, stage after stage, and rename it into place."""
    out, unit = request.out, request.unit
    target = _target(out, unit.id)
    out.mkdir(parents=True, exist_ok=True)
    try:
        folders.refuse_foreign(target)
        stage = folders.make_stage(out, unit.id)
    except folders.Foreign as exc:
        raise BundleError(str(exc)) from None
    except OSError as exc:
        raise BundleError(f"单位 {unit.id} 的成果包无法开始生成：{describe(exc)}") from None
    previous = rebuild.Previous(out, unit.id) if request.drawing is not None and request.reuse else None
    build = _Build(request, pool, stage, _Reuse(request.drawing, previous, stage))
    stages: tuple[tuple[str, Callable[[], None]], ...] = (
        ("准备", build.prepare),
        ("一表", build.tables_and_pdf),
        ("一图", build.flowcharts),
        ("一件", build.basis),
        ("全部流程图", build.merged_pdf),
        ("网站", build.website),
        ("源数据", build.source),
        ("变更说明", build.change_notes),
        ("一表 PDF 与全部流程图", build.printed),
        ("一盘", build.archive),
    )
    name = "准备"
    try:
        for name, run in stages:
            step(name)
            run()
        name = "发布"
        files = rebuild.snapshot(stage)  # before the rename, which keeps each file's size, time and inode
        digest = rebuild.sha256(stage / "manifest.json")
        folders.publish(stage, target)
    except Exception as exc:
        _settle(build.started)
        folders.discard(stage)
        if isinstance(exc, BundleError):
            raise
        if isinstance(exc, folders.Foreign | pathgate.UnsafeName):
            raise BundleError(str(exc)) from None
        why = describe(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        raise BundleError(f"单位 {unit.id} 的“{name}”阶段失败：{why}") from exc
    except BaseException:
        folders.discard(stage)
        raise
    notes = tuple(previous.notes) if previous is not None else ()
    result = BundleResult(unit.id, target, len(files), len(build.ids), notes=notes)
    if request.key is not None:
        with suppress(OSError):  # without a record the unit is simply built again next time
            rebuild.record(out, unit.id, request.key, files, build.reuse.derived, digest)
    return result, files


def _target(out: Path, unit: str) -> Path:
    """``out/<unit id>/``, the id checked by the gate (`pathgate`); BundleError otherwise."""
    try:
        return pathgate.inside(out, unit)
    except pathgate.UnsafeName as exc:
        raise BundleError(f"单位标识不能用作文件夹名，未生成成果包：{exc}") from None


def unsafe_names(unit: Unit, ids: set[str]) -> None:
    """BundleError naming every power id of the unit that cannot be a file name of its bundle (`pathgate`:
    its flowcharts and site pages are named after it), and the unit id if it cannot be a folder's name."""
    bad = []
    for name in (unit.id, f"{unit.id}.yaml", *sorted(f"{p}.svg" for p in ids)):
        reason = pathgate.problem(name)
        if reason is not None:
            bad.append(f"「{pathgate.shown(name)}」{reason}")
    if bad:
        shown = "；".join(bad[:5]) + (f" 等 {len(bad)} 处" if len(bad) > 5 else "")
        raise BundleError(f"单位 {pathgate.shown(unit.id)} 的标识不能用作文件名，未生成成果包：{shown}")


def _settle(started: list[Pending]) -> None:
    """Let work already handed to the pool finish (its errors are moot) so nothing writes into a removed stage."""
    for pending in started:
        with suppress(Exception):  # the build has already failed for another reason
            pending.wait()


def kept_bundle(
    unit: Unit,
    out: Path,
    audience: str,
    source_commit: str | None,
    key: str | None,
    say: Callable[[str], None] | None = None,
) -> BundleResult | None:
    """The unit's previous bundle in ``out/<unit id>/`` if it was built with `key` and left untouched (its
    files as recorded and as its manifest says; the manifest brought to this source commit), after removing
    what killed builds left; else None. A file found altered is named to `say`."""
    target = _target(out, unit.id)
    folders.clear_leftovers(out, unit.id)
    if key is not None:
        found = rebuild.current(out, unit.id, key, say)
        if found is not None:
            files, derived = found
            try:
                restamped = manifest.restamp(target, source_commit)
                if restamped is not None:
                    stat, digest = restamped
                    rebuild.record(out, unit.id, key, {**files, "manifest.json": stat}, derived, digest)
            except OSError as exc:
                raise BundleError(f"单位 {unit.id} 的成果包无法更新：{describe(exc)}") from exc
            except ValueError as exc:
                raise BundleError(f"单位 {unit.id} 的成果包无法更新：{exc}") from exc
            return BundleResult(unit.id, out / unit.id, len(files), len(audience_powers(unit, audience)), kept=True)
    return None


def build_in_worker(request: Request) -> BundleResult:
    """`build_unit_bundle` as a task of a worker process (`Renderer.call`): the unit is built there whole,
    its flowcharts drawn in that process, so that units, not only drawings, go to every core."""
    folders.work_for_parent()
    with Renderer(workers=1) as here:
        return build_unit_bundle(request, renderer=here)


def build_unit_bundle(
    request: Request, progress: Callable[[str], None] | None = None, renderer: Renderer | None = None
) -> BundleResult:
    """Build ``out/<unit id>/`` for one audience; raise BundleError naming the stage that failed. With a key,
    the build is recorded, and (with `reuse`) a previous bundle of the same key left untouched is kept
    instead of being built again."""
    said: list[str] = []
    kept = kept_bundle(
        request.unit,
        request.out,
        request.audience,
        request.source_commit,
        request.key if request.reuse else None,
        said.append,
    )
    if kept is not None:
        return kept
    if request.key is None and request.drawing is not None:
        request = replace(request, drawing=None)  # nothing is linked without a record
    with ExitStack() as stack:
        pool = renderer if renderer is not None else stack.enter_context(Renderer())
        result, _ = _build(request, pool, progress or (lambda _: None))
    return replace(result, notes=tuple(dict.fromkeys([*said, *result.notes])))
