"""Runs load → schema → model → rules over a set of catalogue files and makes the Report.

Config levels, ``--select``/``--ignore``, path ignores and inline suppressions are applied
here, after the rules: rules never decide severity or visibility.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from powerctl import gcpolicy, rules  # the rule modules themselves load on first use of rules.REGISTRY
from powerctl.catalogue.config import Config
from powerctl.check.columns import with_column
from powerctl.check.discovery import YAML_SUFFIXES as YAML_SUFFIXES
from powerctl.check.discovery import Discovered as Discovered
from powerctl.check.discovery import UsageError as UsageError
from powerctl.check.discovery import discover as discover
from powerctl.check.report import Finding, Report, Severity
from powerctl.source import boundary
from powerctl.source.boundary import Boundary, excerpts, read_lines
from powerctl.source.load import Document, LoadProblem, load_bytes, load_file, read_capped
from powerctl.source.span import Path, Span, pointer
from powerctl.store.folders import cache_root

if TYPE_CHECKING:  # imported where used: a run answered from the cache needs none of them
    from powerctl.catalogue.model import Unit
    from powerctl.laws.resolve import LawResolver
    from powerctl.rules._base import Violation
    from powerctl.source.schema import SchemaChecker
    from powerctl.store.cache import FileCache

_FOLDER_HINT = "检查文件夹是否存在以及读取权限（例如 chmod -R u+rX 文件夹）；不需要检查的文件夹请移出 catalogues/"
_LOOSE_DIRECTIVE = re.compile(r"#\s*powerctl:")
_DIRECTIVE = re.compile(r"#\s*powerctl:\s*disable=([A-Za-z0-9,\s]+?)(?:\s+--\s*(\S.*))?\s*$")


class RuleCrash(Exception):
    """A rule raised: the run must end with exit 2, naming the rule."""

    def __init__(self, code: str, file: str, error: BaseException) -> None:
        super().__init__(f"规则 {code} 在检查 {file} 时内部出错：{type(error).__name__}: {error}")
        self.code = code

    @classmethod
    def from_message(cls, code: str, message: str) -> RuleCrash:
        """The same crash again in the parent, from a worker's code and message."""
        crash = cls.__new__(cls)
        Exception.__init__(crash, message)
        crash.code = code
        return crash


@dataclass
class _Suppression:
    line: int
    column: int
    codes: frozenset[str]
    reason: str | None
    used: set[str] = field(default_factory=set)


def _suppressions(doc: Document) -> list[_Suppression]:
    if "powerctl:" not in doc.text:
        return []
    return _directives(enumerate(doc.text.splitlines(), start=1))


def _directives(lines: Iterable[tuple[int, str]]) -> list[_Suppression]:
    """The inline directives among numbered lines."""
    out: list[_Suppression] = []
    for n, text in lines:
        if "powerctl:" in text:
            m = _DIRECTIVE.search(text)
            if m:
                codes = frozenset(c.strip().upper() for c in m.group(1).split(",") if c.strip())
                out.append(_Suppression(n, m.start() + 1, codes, m.group(2)))
            elif _LOOSE_DIRECTIVE.search(text):
                out.append(_Suppression(n, text.find("powerctl:") + 1, frozenset(), None))
    return out


def _stem_problem(doc: Document) -> LoadProblem | None:
    data = doc.data
    unit = data.get("unit") if isinstance(data, dict) else None
    uid = unit.get("id") if isinstance(unit, dict) else None
    stem = FsPath(doc.file).stem
    if isinstance(uid, str) and uid != stem:
        return LoadProblem(
            "E003",
            doc.span(("unit", "id")),
            f"单位标识「{uid}」与文件名「{stem}」不一致",
            f"单位标识等于文件名：把 unit.id 改为 {stem}，或把文件改名为 {uid}.yaml",
            ("unit", "id"),
        )
    return None


@dataclass
class Validation:
    """What one run produced before filtering: kept for callers such as bundle and stats."""

    docs: list[Document]
    units: list[Unit]
    report: Report
    laws: LawResolver | None = None  # the resolver the rules used (None for a cached run)


@dataclass(frozen=True)
class Options:
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    today: date = field(default_factory=date.today)
    # --base: unit data at the base version by unit id, and the files to report on (changed ones).
    base: Mapping[str, Any] | None = None
    only_files: frozenset[str] | None = None
    cache: bool = False  # reuse the load and schema stage of unchanged files (validate's --no-cache turns it off)
    keep: bool = True  # return the documents and units (render, bundle, stats); validate needs only the report
    keep_units: frozenset[str] = frozenset()  # units kept even without `keep`: those records/ has a folder for
    # Check records/ too (validate). The outputs (bundle, render, stats, compare) are about the catalogue: how
    # powers ran is no reason not to publish them, and `stats --records` reads the records itself.
    records: bool = True


def _unit_and_power(doc: Document, path: Path) -> tuple[str | None, str | None]:
    data: Any = doc.data
    unit_id = None
    if isinstance(data, dict) and isinstance(data.get("unit"), dict):
        uid = data["unit"].get("id")
        unit_id = uid if isinstance(uid, str) else None
    if unit_id is None:
        unit_id = FsPath(doc.file).stem
    power = None
    if len(path) >= 2 and path[0] == "powers" and isinstance(path[1], int) and isinstance(data, dict):
        powers = data.get("powers")
        if isinstance(powers, list) and path[1] < len(powers) and isinstance(powers[path[1]], dict):
            pid = powers[path[1]].get("id")
            power = pid if isinstance(pid, str) else None
    return unit_id, power


class _Collector:
    def __init__(self, config: Config, options: Options) -> None:
        self.config = config
        self.options = options
        self.findings: list[Finding] = []

    def _from_root(self, file: str) -> str:
        """A file's path relative to the repository root, as `ignore.paths` are written (absolute outside it)."""
        absolute = FsPath(os.path.abspath(file))
        root = FsPath(os.path.abspath(self.config.root))
        return (absolute.relative_to(root) if absolute.is_relative_to(root) else absolute).as_posix()

    def level(self, code: str) -> str:
        """The config's level for the rule; else its severity, or off for a rule of another profile."""
        level = self.config.levels.get(code)
        if level is not None:
            return level
        spec = rules.REGISTRY.get(code)
        if spec is None:
            return "error"
        return "off" if spec.profile is not None and spec.profile != self.config.profile else spec.severity

    def enabled(self, code: str) -> bool:
        if self.options.select and not any(code.startswith(s) for s in self.options.select):
            return False
        return not any(code.startswith(s) for s in self.options.ignore)

    def add(
        self,
        doc: Document,
        code: str,
        span: Span,
        path: Path,
        message: str,
        hint: str,
        about: tuple[str | None, str | None] | None = None,  # (unit, power) when not read from doc and path
    ) -> None:
        level = self.level(code)
        if level == "off" or not self.enabled(code):
            return
        if self.config.ignores and any(ig.matches(self._from_root(doc.file), code) for ig in self.config.ignores):
            return
        unit, power = about if about is not None else _unit_and_power(doc, path)
        sev: Severity = level  # type: ignore[assignment]
        self.findings.append(
            Finding(
                rule=code,
                name=rules.REGISTRY[code].name if code in rules.REGISTRY else code.lower(),
                severity=sev,
                file=span.file,
                line=span.line,
                column=span.column,
                end_line=span.end_line,
                end_column=span.end_column,
                pointer=pointer(path),
                unit=unit,
                power=power,
                message=message,
                hint=with_column(hint, path),
            )
        )


def _apply_suppressions(
    collector: _Collector, doc: Document, found: list[Finding], sups: list[_Suppression] | None = None
) -> list[Finding]:
    """One file's findings less those its inline directives suppress (`sups`, else read from doc's text),
    plus S901 for directives that are unused, without a reason or malformed."""
    if sups is None:
        sups = _suppressions(doc)
    kept: list[Finding] = []
    for f in found:
        hit = next((s for s in sups if s.line in (f.line, f.line - 1) and f.rule in s.codes), None)
        if hit is None:
            kept.append(f)
        else:
            hit.used.add(f.rule)
    start = len(collector.findings)
    broken = any(f.rule == "E001" for f in found)  # the rules did not run on a file that is not YAML
    ignored = collector.config.ignores and collector._from_root(doc.file)

    def judged(code: str) -> bool:
        """Whether the code's rule ran on this file, so that its silence means the directive is unused."""
        if code in rules.REGISTRY and (broken or collector.level(code) == "off" or not collector.enabled(code)):
            return False
        return not (ignored and any(ig.matches(ignored, code) for ig in collector.config.ignores))

    for s in sups:
        span = Span(doc.file, s.line, s.column, s.line, s.column)
        unused = sorted(c for c in s.codes - s.used if judged(c))
        if not s.codes:
            collector.add(
                doc,
                "S901",
                span,
                (),
                "抑制注释格式不正确，没有生效",
                "写成 `# powerctl: disable=代码[,代码] -- 理由`，放在该行行尾或上一行",
            )
        elif unused:
            collector.add(
                doc,
                "S901",
                span,
                (),
                f"抑制注释中的 {'、'.join(unused)} 没有抑制任何发现",
                "问题已修好时删除这条注释（或删去其中不再需要的规则代码）",
            )
        elif not s.reason:
            collector.add(doc, "S901", span, (), "抑制注释没有写理由", "写成 `# powerctl: disable=代码 -- 理由`")
    kept.extend(collector.findings[start:])
    del collector.findings[start:]
    return kept


def _text_lines(text: str, wanted: set[int]) -> dict[int, str]:
    """The numbered lines of a text loaded inside the boundary, for the text format's excerpts."""
    return excerpts(io.StringIO(text, newline=None), wanted) if text and wanted else {}


def _law_resolver(config: Config, today: date, collector: _Collector, lines: dict[str, dict[int, str]]) -> LawResolver:
    """Local laws/*.yaml (their problems become findings, their lines go into `lines`), the built-in facts, and
    the corpus index."""
    from powerctl.laws.index import LawIndexError
    from powerctl.laws.resolve import open_resolver

    try:
        resolver, local = open_resolver(config.root, config.law_paths, today)
    except LawIndexError as exc:
        raise UsageError(str(exc)) from exc
    for doc, problem in local.problems:
        collector.add(doc, problem.code, problem.span, problem.path, problem.message, problem.hint)
        lines.setdefault(doc.file, {}).update(_text_lines(doc.text, {problem.span.line}))
    return resolver


def _check_file(file: str, checker: SchemaChecker, cache: FileCache | None) -> tuple[Document, list[LoadProblem]]:
    """Load and schema-check one file, through the cache when there is one."""
    path = FsPath(file)
    try:
        raw = read_capped(path)
    except OSError:
        unreadable = load_file(path, display=file)  # the loader words the error
        return unreadable, list(unreadable.problems)
    if cache is not None:
        hit = cache.get(file, raw)
        if hit is not None:
            return hit[0], [*hit[0].problems, *hit[1]]
    doc = load_bytes(file, raw)
    problems: list[LoadProblem] = []
    if not doc.problems:
        problems = checker.check(doc)
        stem = _stem_problem(doc)
        if stem is not None:
            problems.append(stem)
    if cache is not None:
        cache.put(file, raw, (doc, problems))
    return doc, [*doc.problems, *problems]


@dataclass
class _FileResult:
    findings: list[Finding]
    powers: int
    unit_id: str | None  # of the unit built from the file, if one was
    doc: Document | None = None  # kept only with Options.keep
    unit: Unit | None = None
    lines: dict[int, str] = field(default_factory=dict)  # the lines of the file its findings point at


class _Checker:
    """Everything that checks one file after another; one per process."""

    def __init__(self, config: Config, options: Options, worker: bool = False) -> None:
        from powerctl.rules._base import RuleContext
        from powerctl.source.schema import SchemaChecker
        from powerctl.store.cache import FileCache, fingerprint

        self.options = options
        self.collector = _Collector(config, options)
        self.checker = SchemaChecker.for_catalogues(config.categories)
        self.cache = FileCache.open(cache_root(), fingerprint(self.checker.schema)) if options.cache else None
        self.excerpts: dict[str, dict[int, str]] = {}  # of the local law files' findings
        self.laws = _law_resolver(config, options.today, self.collector, self.excerpts)
        if worker:  # the local law registry's own findings are reported once, by the parent
            self.collector.findings.clear()
        self.ctx = RuleContext(config=config, today=options.today, laws=self.laws, base=options.base)
        self.checks = [
            spec
            for spec in rules.REGISTRY.values()
            if spec.check is not None and self.collector.level(spec.code) != "off" and self.collector.enabled(spec.code)
        ]

    def check(self, file: str) -> _FileResult:
        """Load, schema-check, build and run the rules on one file; RuleCrash if a rule raised."""
        from powerctl.catalogue.build import build_unit

        collector = self.collector
        first = len(collector.findings)
        doc, problems = _check_file(file, self.checker, self.cache)
        for p in problems:
            collector.add(doc, p.code, p.span, p.path, p.message, p.hint)
        # Positions are needed again only for files where a rule finds something.
        doc.drop_positions()
        powers = 0
        if isinstance(doc.data, dict) and isinstance(doc.data.get("powers"), list):
            powers = len(doc.data["powers"])
        unit = build_unit(doc, {p.path for p in problems if not p.repaired}) if not doc.problems else None
        if unit is not None:
            self.ctx.first_unit.setdefault(unit.id, unit.file)
            for spec in self.checks:
                assert spec.check is not None
                try:
                    violations: list[Violation] = list(spec.check(unit, self.ctx))
                except Exception as exc:  # a crashing rule must never pass silently
                    raise RuleCrash(spec.code, unit.file, exc) from exc
                for v in violations:
                    collector.add(doc, spec.code, v.span, v.path, v.message, v.hint)
        found = _apply_suppressions(collector, doc, collector.findings[first:])
        del collector.findings[first:]
        keep = self.options.keep
        kept = unit if unit is not None and (keep or unit.id in self.options.keep_units) else None
        lines = _text_lines(doc.text, {f.line for f in found if f.file == doc.file})
        return _FileResult(found, powers, unit.id if unit else None, doc if keep else None, kept, lines)


# Process-parallel checking: worth its start-up (each worker imports and builds the schema and law
# registries, about half a second) only for larger runs.
PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 4_000_000
_worker_checker: _Checker | None = None


def _start_worker(config: Config, options: Options) -> None:
    global _worker_checker
    gcpolicy.relax()
    _worker_checker = _Checker(config, options, worker=True)


def _check_in_worker(files: Sequence[str]) -> list[_FileResult] | tuple[str, str]:
    """A chunk of files; unit ids are not compared across files here (the parent does that)."""
    assert _worker_checker is not None
    out = []
    for file in files:
        _worker_checker.ctx.first_unit.clear()
        try:
            out.append(_worker_checker.check(file))
        except RuleCrash as crash:  # exceptions with extra fields do not travel well: send the message
            return (crash.code, str(crash))
    return out


def _parallel(files: Sequence[str], config: Config, options: Options, jobs: int) -> tuple[_Checker, list[_FileResult]]:
    """The files checked in `jobs` worker processes; and this process's checker, built while they start."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(16, len(files) // (jobs * 4)))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    context = multiprocessing.get_context("spawn")
    results: list[_FileResult] = []
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(config, options)) as pool:
        parts = pool.map(_check_in_worker, chunks)  # submitted now; the workers start up meanwhile
        checker = _Checker(config, options)
        for part in parts:
            if isinstance(part, tuple):
                pool.shutdown(wait=False, cancel_futures=True)
                raise RuleCrash.from_message(*part)
            results.extend(part)
    return checker, results


def _workers(files: Sequence[str], options: Options, jobs: int) -> int:
    """How many processes to check with. Asked for (jobs > 0): that many. Otherwise one per core when the
    run is big enough to pay for their start-up, else one."""
    if options.keep or len(files) < 2:
        return 1
    if jobs > 0:
        return min(jobs, len(files))
    cores = os.cpu_count() or 1
    if cores <= 1 or len(files) < PARALLEL_MIN_FILES:
        return 1
    total = 0
    for file in files:
        with contextlib.suppress(OSError):
            total += os.stat(file).st_size
    return min(cores, len(files)) if total >= PARALLEL_MIN_BYTES else 1


def validate(paths: Sequence[str], config: Config, options: Options | None = None, jobs: int = 0) -> Validation:
    """Check every file; `jobs` processes when the run is large (0: one per core), else this one."""
    options = options or Options()
    if options.select or options.ignore:
        codes = rules.REGISTRY
        unknown = sorted(c for c in options.select | options.ignore if not any(k.startswith(c) for k in codes))
        if unknown:
            raise UsageError(f"未知的规则代码：{'、'.join(unknown)}（运行 powerctl rules 查看全部规则）")
    from powerctl.check import records

    record_files, record_folders, record_links = (
        records.discover(config.root, not any(os.path.isabs(p) for p in paths)) if options.records else ([], [], [])
    )
    folders = {f.unit for f in record_files if f.unit is not None}
    options = replace(options, keep_units=options.keep_units | folders)
    skip = [config.root / folder for folder in (*config.law_paths, records.FOLDER)]
    discovered = discover(paths, skip=skip, root=config.root)
    files = discovered.files

    workers = _workers(files, options, jobs)
    if workers > 1:
        checker, results = _parallel(files, config, options, workers)
        # A unit id used by an earlier file: check that file again here, where the earlier owner is known.
        owners: dict[str, str] = {}
        for i, (file, result) in enumerate(zip(files, results, strict=True)):
            if result.unit_id is None:
                continue
            owner = owners.setdefault(result.unit_id, file)
            if owner != file:
                checker.ctx.first_unit.clear()
                checker.ctx.first_unit.update(owners)
                results[i] = checker.check(file)
    else:
        # One file at a time, start to finish: with keep=False nothing of a file outlives its turn, so memory
        # stays that of the largest file however many there are.
        checker = _Checker(config, options)
        results = []
        for file in files:
            results.append(checker.check(file))

    for folder, reason in [*discovered.unreadable, *record_folders]:
        checker.collector.add(
            Document(file=folder), "E001", Span.point(folder), (), f"无法读取文件夹：{reason}", _FOLDER_HINT
        )
    for link, target in [*discovered.outside, *record_links]:  # at the link itself: nothing of the target is read
        checker.collector.add(
            Document(file=link), "E001", Span.point(link), (), boundary.message(target), boundary.HINT
        )
    findings = [f for r in results for f in r.findings]
    # The repository's records are about the repository's units: a catalogue given from outside it has none.
    root = os.path.abspath(config.root) + os.sep
    kept = {r.unit.id: r.unit for r in results if r.unit is not None and os.path.abspath(r.unit.file).startswith(root)}
    # Records of a unit this run did not check are not asked for: a unit given no file in a run over single
    # files, or one whose catalogue is elsewhere in the repository. Only a folder of no unit at all is R807.
    missing = folders - kept.keys()
    if missing and all(FsPath(p).is_dir() for p in paths):
        missing &= {FsPath(f).stem for f in discover([str(config.root)], skip=skip, root=config.root).files}
    recorded = [f for f in record_files if f.unit not in missing]
    findings.extend(
        _check_records(checker, recorded, kept, options.today, frozenset(missing), Boundary.of(config.root))
    )
    findings.extend(checker.collector.findings)  # the local law registry's, and the folders that cannot be read
    if options.only_files is not None:
        only = options.only_files
        findings = [f for f in findings if str(FsPath(f.file).resolve()) in only]
    powers = sum(r.powers for r in results)
    lines = {**checker.excerpts, **{file: r.lines for file, r in zip(files, results, strict=True) if r.lines}}
    report = Report(sorted(findings, key=Finding.sort_key), len(files) + len(recorded), powers, lines)
    docs = [r.doc for r in results if r.doc is not None]
    units = [r.unit for r in results if r.unit is not None and options.keep]
    return Validation(docs=docs, units=units, report=report, laws=checker.laws)


def _check_records(
    checker: _Checker,
    files: Sequence[Any],
    units: Mapping[str, Unit],
    today: date,
    elsewhere: frozenset[str],
    inside: Boundary,
) -> list[Finding]:
    """The findings of the records files (check.records), through the same levels, filters and inline
    suppressions as the catalogues'; the lines they point at go into the checker's excerpts (read again from
    the file, which is never held whole, while it is still inside the repository)."""
    from powerctl.check.records import RecordsCheck

    if not files:
        return []
    collector = checker.collector
    check = RecordsCheck(units, today, elsewhere)
    out: list[Finding] = []
    for file in files:
        first = len(collector.findings)
        doc = Document(file=file.path)
        for f in check.check(file):
            span = Span(f.file, f.line, f.column, f.line, f.column)
            collector.add(doc, f.code, span, f.path, f.message, f.hint, (f.unit, f.power))
        found = _apply_suppressions(collector, doc, collector.findings[first:], _file_directives(file.path))
        del collector.findings[first:]
        if found and not file.path.lower().endswith(".xlsx"):  # a workbook has no lines
            checker.excerpts[file.path] = read_lines(file.path, inside, {f.line for f in found})
        out.extend(found)
    return out


def _file_directives(path: str) -> list[_Suppression]:
    """The inline directives of a records file, read line by line (a records file is never held whole)."""
    if not path.lower().endswith(YAML_SUFFIXES):
        return []
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return _directives((n, line) for n, line in enumerate(handle, start=1) if "powerctl:" in line)
    except OSError:
        return []  # the check itself reports a file that cannot be read
