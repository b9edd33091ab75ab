"""`powerctl bundle`: the four ones (四个一) of every unit, for one audience or both.

Parse (`command`: the options) → plan (`plan`: validate, and the units and audiences to build with their
change notes) → execute (`execute`: build each unit in a worker process, print a line per unit).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from powerctl.cli._common import fail, parse_day
from powerctl.source.oserror import describe

if TYPE_CHECKING:
    from powerctl.bundle.county import CountyResult
    from powerctl.catalogue.config import Config
    from powerctl.catalogue.model import Unit
    from powerctl.check.engine import Validation
    from powerctl.check.report import Finding
    from powerctl.domain.change_notes import ChangeNotes
    from powerctl.domain.operation import UnitOperation
    from powerctl.drawing.pool import Renderer
    from powerctl.laws.resolve import LawResolver


class Audience(StrEnum):
    public = "public"
    internal = "internal"


def command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="目录文件或文件夹；默认为 catalogues/", show_default=False)
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录：<目录>/<单位标识>/")] = Path("bundle"),
    audience: Annotated[
        Audience | None,
        typer.Option(
            "--audience",
            help="public：社会公开版（只含社会公开的职权）；internal：内部版。"
            "不写时两版都生成，分别放在 <目录>/public/ 和 <目录>/internal/",
        ),
    ] = None,
    previous: Annotated[
        str | None, typer.Option("--previous", help="与该 git 版本比较，附上变更说明（变更说明.docx、.html、.md）")
    ] = None,
    allow_errors: Annotated[bool, typer.Option("--allow-errors", help="目录有错误时也生成")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="全部重新生成；不写时，输入没有变化、文件也未被改动的单位沿用上次的成果包")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="按这一天核对法规效力（YYYY-MM-DD），写入依据文件汇编；默认今天")
    ] = None,
) -> None:
    """Parse: the options as given; then plan (what to build) and execute (build it)."""
    request = _Options(paths, out, audience, previous, allow_errors, force, parse_day(today))
    execute(plan(request))


@dataclass(frozen=True)
class _Options:
    paths: list[str] | None
    out: Path
    audience: Audience | None
    previous: str | None
    allow_errors: bool
    force: bool
    today: date


@dataclass(frozen=True)
class _Unit:
    """One unit and audience to bundle: where, with which change notes."""

    audience: Audience
    folder: Path
    unit: Unit
    notes: ChangeNotes | None
    operation: UnitOperation | None = None  # internal only: its records counted, for the 电子监察 page


@dataclass(frozen=True)
class Plan:
    options: _Options
    config: Config
    laws: LawResolver
    commit: str | None
    work: list[_Unit]


def plan(options: _Options) -> Plan:
    """Validate the catalogues and say what will be built: every unit for each audience asked for, with its
    change notes against `--previous`; fail (exit 1) on errors or on an `init` sample unit."""
    from powerctl.check.engine import Options, RuleCrash, UsageError, validate
    from powerctl.check.gitrefs import GitError, extract, head_commit, is_ref, unit_data
    from powerctl.cli.validate import default_paths, load_repo_config
    from powerctl.drawing.paths import RenderError, check_tools
    from powerctl.formatters import get

    config = load_repo_config()
    try:
        check_tools(config.font_family)
        result = validate(
            options.paths or default_paths(config),
            config,
            Options(cache=not options.force, today=options.today, records=False),
        )
    except RenderError as exc:
        raise fail(str(exc)) from None
    except (UsageError, RuleCrash) as exc:
        raise fail(str(exc)) from None
    if result.report.counts()["error"] and not options.allow_errors:
        sys.stdout.write(get("text")(result.report, sys.stdout.isatty()))
        raise fail("目录有错误，未生成成果包：先修正，或加 --allow-errors（有结构错误的职权不会收入）", 1)
    _rejected(result)
    samples = [u for u in result.units if u.sample]
    if samples:
        names = "、".join(f"{u.id}（{u.file}）" for u in samples)
        raise fail(
            f"{names} 是 powerctl init 生成的示例单位（unit.sample: true），不能作为本单位的成果发布，未生成成果包。\n"
            "把它改成本单位的内容（单位标识、名称、机构、岗位和职权，文件名随单位标识改），删去 `sample: true` 这一行；"
            "不需要时直接删除这个文件",
            1,
        )
    assert result.laws is not None
    _check_names(result.units, options.audience)
    base: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if options.previous is not None:
            if not is_ref(config.root, options.previous):
                raise fail(f"--previous：「{options.previous}」不是 {config.root} 中的 git 版本")
            try:
                extract(config.root, options.previous, Path(tmp))
            except GitError as exc:
                raise fail(str(exc)) from None
            base = unit_data(Path(tmp) / "catalogues")
    commit = head_commit(config.root)
    out = options.out
    targets = [(options.audience, out)] if options.audience is not None else [(a, out / a.value) for a in Audience]
    operations: dict[str, UnitOperation] = {}
    if any(kind is Audience.internal for kind, _ in targets):
        from powerctl.check.records import count

        operations, found = count(config.root, {u.id: u for u in result.units}, options.today)
        if any(f.code.startswith("E") for f in found):
            sys.stderr.write("注意：records/ 中有格式错误的登记，未计入电子监察页面；运行 powerctl validate 查看\n")
    work = [
        _Unit(
            kind,
            folder,
            unit,
            _notes(options, unit, kind, base, commit),
            operations.get(unit.id) if kind is Audience.internal else None,
        )
        for (kind, folder), unit in ((t, u) for t in targets for u in result.units)
    ]
    return Plan(options, config, result.laws, commit, work)


def _rejected(result: Validation) -> None:
    """Say which catalogue files gave no unit (errors in the unit itself, with --allow-errors), one line each
    with the first error; exit 2 when there was no catalogue at all, 1 when no unit is left to build."""
    made = {u.file for u in result.units}
    first: dict[str, Finding] = {}
    for finding in sorted(result.report.findings, key=lambda f: f.sort_key()):
        if finding.severity == "error" and finding.file not in made:
            first.setdefault(finding.file, finding)
    files = {d.file for d in result.docs} | set(first)
    if not files:
        raise fail(
            "没有找到任何单位的目录文件（*.yaml），未生成成果包：请写出目录文件或文件夹，或在 catalogues/ 中放入目录"
        )
    for file in sorted(files - made):
        found = first.get(file)
        why = f"第 {found.line} 行：{found.message}" if found is not None else "文件中没有可用的单位"
        sys.stderr.write(f"未收入成果包：{file}（{why}）\n")
    if not result.units:
        raise fail("没有一个单位可以生成成果包：以上目录文件都有错误，先修正再生成", 1)


def _check_names(units: list[Unit], audience: Audience | None) -> None:
    """Every unit id and power id that names a folder or file of the bundle passes the gate (`pathgate`);
    else exit 2 naming them, before anything is written."""
    from powerctl.bundle.build import BundleError, unsafe_names
    from powerctl.documents.context import audience_powers

    problems = []
    for unit in units:
        kinds = [audience.value] if audience is not None else [a.value for a in Audience]
        ids = {p.id for kind in kinds for p in audience_powers(unit, kind)}
        try:
            unsafe_names(unit, ids)
        except BundleError as exc:
            problems.append(str(exc))
    if problems:
        raise fail("\n".join(problems))


def _notes(
    options: _Options, unit: Unit, kind: Audience, base: dict[str, object], commit: str | None
) -> ChangeNotes | None:
    """The unit's change notes against `--previous` (the public ones from public fields only), if asked for."""
    from powerctl.documents.public_source import public_source
    from powerctl.domain.change_notes import ChangeNotes
    from powerctl.domain.change_notes import rows as change_rows
    from powerctl.domain.diff import unit_changes
    from powerctl.domain.diff_report import as_markdown

    if options.previous is None:
        return None
    data = unit.doc.data if isinstance(unit.doc.data, dict) else {}
    old = base.get(unit.id)
    if kind is Audience.public:
        keep = {p.id for p in unit.powers if p.disclosure.scope == "社会公开"}
        data = public_source(data, keep)
        old = public_source(old, keep) if isinstance(old, dict) else old
    diffs = unit_changes({unit.id: old} if isinstance(old, dict) else {}, {unit.id: data})
    head = commit[:12] if commit else None
    rows = tuple(row for d in diffs for row in change_rows(d))
    markdown = as_markdown(diffs, {unit.id: unit.name}, options.previous, head)
    return ChangeNotes(unit.name, options.previous, head, options.today.isoformat(), rows, markdown)


def _counties(
    planned: Plan, keys: list[str | None], chain: str | None, renderer: Renderer
) -> list[tuple[Audience, Future[CountyResult]]]:
    """The county folder of each audience whose run covers two or more units, handed to the workers beside
    the units (it is made from the catalogues, not from the units' bundles)."""
    from powerctl.bundle import rebuild
    from powerctl.bundle.county import CountyRequest, build_county_in_worker

    groups: dict[tuple[Audience, Path], list[tuple[_Unit, str | None]]] = {}
    for item, key in zip(planned.work, keys, strict=True):
        groups.setdefault((item.audience, item.folder), []).append((item, key))
    made = []
    for (kind, folder), members in groups.items():
        if len(members) < 2:
            continue
        county_key = None if chain is None else rebuild.county_key(chain, kind.value, [k for _, k in members])
        operations = {m.unit.id: m.operation for m, _ in members if m.operation is not None}
        request = CountyRequest(
            tuple(m.unit for m, _ in members), folder, kind.value, planned.laws, planned.commit,
            county_key, operations, reuse=not planned.options.force, duties=planned.config.duties,
            publish=False,  # put in place here, once every unit it lists is
        )  # fmt: skip
        made.append((kind, renderer.call(build_county_in_worker, request)))
    return made


def _refuse_foreign(planned: Plan) -> None:
    """Exit 2, before anything is built, when a folder the run would replace (a unit's, the county's) is not
    a bundle of ours: nothing powerctl did not write is ever removed."""
    from powerctl.bundle import folders
    from powerctl.documents.county import FOLDER

    targets = {item.folder / item.unit.id: None for item in planned.work}
    counted: dict[Path, int] = {}
    for item in planned.work:
        counted[item.folder] = counted.get(item.folder, 0) + 1
    targets.update({folder / FOLDER: None for folder, n in counted.items() if n >= 2})
    problems = [why for target in targets if (why := folders.foreign(target)) is not None]
    if problems:
        raise fail(
            "\n".join(problems) + "\n未生成成果包，未删除、未改动其中任何文件。"
            "请换一个输出目录（-o），或先把这些文件移走、再运行"
        )


def execute(planned: Plan) -> None:
    """Build every unit of the plan, each whole in a worker process, one per core at a time; a unit whose
    bundle is current is kept. Prints a line per unit as it is done; the county folder is put in place only
    once every unit it lists is."""
    from rich.console import Console

    from powerctl.bundle import county as county_folder
    from powerctl.bundle import rebuild
    from powerctl.bundle.build import BundleError, BundleResult, Request, build_in_worker, kept_bundle
    from powerctl.drawing.pool import Renderer
    from powerctl.laws.index import LawIndexError

    config, force, work = planned.config, planned.options.force, planned.work
    _refuse_foreign(planned)
    console = Console(stderr=True)
    said: dict[str, None] = {}

    def say(note: str) -> None:
        if note not in said:
            said[note] = None
            console.print(note, markup=False, highlight=False, soft_wrap=True)

    counties: list[tuple[Audience, Future[CountyResult]]] = []

    def give_up(futures: list[Future[BundleResult]], message: str, code: int = 2) -> typer.Exit:
        """Cancel what has not started; county folders built are removed, not published."""
        for pending in futures:
            pending.cancel()
        for _, made in counties:
            with contextlib.suppress(Exception):
                county_folder.discard(made.result())
        return fail(message, code)

    with Renderer() as renderer, console.status("生成成果包", spinner="dots") as status:
        # What every unit's bundle depends on besides its own file (None: it cannot be told, so every unit
        # is built). --force builds every unit but still records them.
        drawing = rebuild.drawing_chain()
        chain = rebuild.toolchain(config, planned.laws, drawing)
        status.update(f"生成成果包：0/{len(work)}")
        futures: list[Future[BundleResult]] = []
        keys: list[str | None] = []
        for item in work:
            text, notes = item.unit.doc.text, item.notes
            key = (
                None
                if chain is None or not text
                else rebuild.unit_key(
                    chain,
                    item.audience.value,
                    item.unit.file,
                    text,
                    notes.markdown if notes else None,
                    json.dumps(item.operation.as_dict(), ensure_ascii=False) if item.operation else None,
                )
            )
            keys.append(key)
            try:  # a unit whose bundle is current is kept here, not sent to a worker
                kept = kept_bundle(
                    item.unit, item.folder, item.audience.value, planned.commit, None if force else key, say
                )
            except BundleError as exc:
                raise give_up(futures, str(exc)) from None
            if kept is not None:
                futures.append(Future())
                futures[-1].set_result(kept)
                continue
            request = Request(
                item.unit, item.folder, item.audience.value, planned.laws, config.font_family, config.paper,
                planned.commit, notes, key,
                not force,  # drawings of the previous bundle are linked where they would come out the same
                drawing, item.operation, config.duties,
            )  # fmt: skip
            futures.append(renderer.call(build_in_worker, request))
        counties = _counties(planned, keys, chain, renderer)
        for done, (item, future) in enumerate(zip(work, futures, strict=True), start=1):
            try:
                built = future.result()
            except BrokenProcessPool:
                raise give_up(futures, "生成成果包的工作进程意外退出（内存不足或被终止），请重试") from None
            except (BundleError, LawIndexError) as exc:
                raise give_up(futures, str(exc)) from None
            except OSError as exc:  # raised in a worker, outside a stage: said with its path
                raise give_up(futures, describe(exc)) from None
            for note in built.notes:
                say(note)
            label = "社会公开版" if item.audience is Audience.public else "内部版"
            how = "未变，沿用上次的成果包" if built.kept else f"{built.files} 个文件"
            sys.stdout.write(f"{item.unit.name}（{label}）：{built.powers} 项职权，{how} → {built.folder}/\n")
            status.update(f"生成成果包：{done}/{len(work)}")
        for kind, made in counties:  # every unit is published: the county folders that list them may be
            try:
                county = county_folder.publish(made.result())
            except BrokenProcessPool:
                raise give_up([], "生成全县汇总的工作进程意外退出（内存不足或被终止），请重试") from None
            except BundleError as exc:
                raise give_up([], str(exc)) from None
            except OSError as exc:
                raise give_up([], describe(exc)) from None
            label = "社会公开版" if kind is Audience.public else "内部版"
            how = "未变，沿用上次的汇总" if county.kept else f"{county.files} 个文件"
            what = f"{county.units} 个单位，{county.powers} 项职权"
            sys.stdout.write(f"{county.name}行政权力目录汇总（{label}）：{what}，{how} → {county.folder}/\n")
