"""The records under `records/` (FORMAT.md, "Records") checked with the catalogues: R801–R809, and the load and
schema findings of the records files themselves, each at its entry's line and column.

A records file is read one entry at a time (`source.records`, `source.records_rows`) and each entry is
checked and dropped, so memory stays flat however many cases a county has. An entry the schema rejects gets
the schema's findings only: its dates or steps cannot be trusted for counting. The unit of a records file is
the folder it is in (`records/<unit-id>/…`); a YAML file's own `unit` must agree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from powerctl.domain.cases import CaseProblem, Measure, Records
from powerctl.domain.operation import UnitOperation, department_name
from powerctl.source import boundary
from powerctl.source.boundary import Boundary
from powerctl.source.load import Document, guess_encoding
from powerctl.source.records import SECTIONS, Entry, Header, RecordsError, read_file
from powerctl.source.schema import RECORDS_SCHEMA, SchemaChecker
from powerctl.source.span import Path
from powerctl.source.typos import Typo, line_typos, syntax_typo

if TYPE_CHECKING:
    from powerctl.catalogue.model import Unit

FOLDER = "records"
YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")
_SECTION_KEY = {section: key for key, section in SECTIONS.items()}
_FORMAT_HINT = (
    "格式见 schemas/records.schema.json（powerctl init 会复制到仓库中）：最外层写 schema 和 unit，"
    "下面是 cases（办件）、expenses（支出）、meetings（会议）列表，每项以“- ”开头"
)


@dataclass(frozen=True)
class RecordsFile:
    path: str  # as shown in findings
    unit: str | None  # the folder under records/ it is in; None for a file directly in records/


@dataclass(frozen=True)
class RecordFinding:
    code: str
    file: str
    line: int
    column: int
    path: Path  # in the file's data: ("cases", 3, "steps", 2) …
    message: str
    hint: str
    unit: str | None
    power: str | None = None


Places = list[tuple[str, str]]


def discover(root: FsPath, relative: bool = True) -> tuple[list[RecordsFile], Places, Places]:
    """The records files under root/records (hidden entries left out, in name order), every folder that could
    not be listed, with why, and every link that leads out of the repository, with its real target (never
    followed nor read: `source.boundary`). Paths are shown relative to the working folder when `relative` (the
    catalogue paths were given so) and the file is inside it, else absolute. A folder reached a second time
    through a link is not walked again."""
    top = root / FOLDER
    inside = Boundary.of(root)
    if os.path.islink(top) and (target := inside.escape(top)) is not None:
        return [], [], [(_shown(str(top), relative), target)]
    if not top.is_dir():
        return [], [], []
    files: list[RecordsFile] = []
    unreadable: Places = []
    outside: Places = []
    seen: set[tuple[int, int]] = set()
    stack = [str(top)]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            unreadable.append((folder, exc.strerror or type(exc).__name__))
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        below = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError as exc:
                unreadable.append((path, exc.strerror or type(exc).__name__))
                continue
            if not is_dir and not entry.name.lower().endswith(YAML_SUFFIXES + TABLE_SUFFIXES):
                continue
            if is_link and (target := inside.escape(path)) is not None:
                outside.append((_shown(path, relative), target))
            elif is_dir:
                below.append(path)
            else:
                parts = FsPath(path).relative_to(top).parts
                files.append(RecordsFile(_shown(path, relative), parts[0] if len(parts) > 1 else None))
        stack.extend(reversed(below))
    return files, unreadable, outside


def _shown(path: str, relative: bool) -> str:
    absolute = os.path.abspath(path)
    here = os.getcwd()
    return os.path.relpath(absolute, here) if relative and absolute.startswith(here + os.sep) else absolute


class RecordsCheck:
    """Checks records files against the units of one run."""

    def __init__(
        self,
        units: Mapping[str, Unit],
        today: date,
        elsewhere: frozenset[str] = frozenset(),
        counted: dict[str, UnitOperation] | None = None,
    ) -> None:
        self.units = units
        self.today = today
        self.counted = counted  # when given, every case, expense and meeting is counted into it (stats)
        self.elsewhere = elsewhere  # units of the repository this run did not check: their records are left

        schema = SchemaChecker.named(RECORDS_SCHEMA)
        self.header = schema
        self.sections = {section: schema.section(section) for section in SECTIONS.values()}
        self._records: dict[str, Records] = {}
        self._lines: _Lines | None = None  # the text of the YAML file being checked, for typing mistakes

    def check(self, file: RecordsFile) -> Iterator[RecordFinding]:
        def at(code: str, line: int, column: int, message: str, hint: str, path: Path = ()) -> RecordFinding:
            return RecordFinding(code, file.path, line, column, path, message, hint, file.unit)

        if file.unit is None:
            yield at("E003", 1, 1, "登记文件应放在 records/<单位标识>/ 文件夹中", "例如 records/lsj-cgj/2026.yaml")
            return
        unit = self.units.get(file.unit)
        if unit is None:
            if file.unit not in self.elsewhere:
                yield at(
                    "R807", 1, 1, f"登记文件所在的文件夹 records/{file.unit}/ 不是目录中任何单位的标识",
                    "文件夹名写单位标识（unit.id），例如 records/lsj-cgj/",
                )  # fmt: skip
            return
        records = self._records.get(unit.id)
        if records is None:
            seen = None
            if self.counted is not None:
                op = self.counted.setdefault(unit.id, UnitOperation.of(unit, self.today))

                def seen(m: Measure, ident: str, op: UnitOperation = op, unit: Unit = unit) -> None:
                    op.add(m, ident, department_name(unit, m.power.department))

            records = self._records[unit.id] = Records(unit, self.today, seen)
        lower = file.path.lower()
        header = Header()
        try:
            if lower.endswith(".csv"):
                from powerctl.source.records_rows import read_csv

                entries: Iterator[Entry] = read_csv(FsPath(file.path))
            elif lower.endswith(".xlsx"):
                from powerctl.source.records_rows import read_xlsx

                entries = read_xlsx(FsPath(file.path))
            else:
                entries = read_file(FsPath(file.path), header)
                self._lines = _Lines(FsPath(file.path))
            for entry in entries:
                yield from self._entry(file, records, entry)
        except RecordsError as exc:
            typo = _syntax_typo(FsPath(file.path), exc.line) if lower.endswith(YAML_SUFFIXES) else None
            if typo is not None:  # the typing mistake behind it, at its character, in words
                yield at("E001", typo.line, typo.column, typo.message, typo.hint)
            else:
                yield at("E001", exc.line, exc.column, str(exc), exc.hint or _FORMAT_HINT)
            return
        except UnicodeDecodeError:
            line, column, sample = _first_bad_byte(FsPath(file.path))
            yield at(
                "E004", line, column, f"登记文件不是 UTF-8 编码（看起来是 {guess_encoding(sample)}）",
                "用 WPS 或记事本“另存为”UTF-8 编码；从 Excel 导出时选“CSV UTF-8（逗号分隔）”",
            )  # fmt: skip
            return
        except OSError as exc:
            yield at("E001", 1, 1, f"无法读取登记文件：{exc.strerror or type(exc).__name__}", "检查文件的读取权限")
            return
        finally:
            if self._lines is not None:
                self._lines.close()
                self._lines = None
        if not lower.endswith(TABLE_SUFFIXES):
            yield from self._header(file, header)

    def _header(self, file: RecordsFile, header: Header) -> Iterator[RecordFinding]:
        places: dict[Path, tuple[int, int, int, int]] = {(k,): (*pos, *pos) for k, pos in header.positions.items()}
        doc = Document(file.path, data=header.values, values={(): (1, 1, 1, 1), **places}, keys=dict(places))
        for p in self.header.problems(doc):
            yield RecordFinding(
                "E003", file.path, p.span.line, p.span.column, p.path, p.message, p.hint, file.unit
            )  # fmt: skip
        if header.unit is not None and header.unit != file.unit:
            line, column = header.positions.get("unit", (1, 1))
            yield RecordFinding(
                "E003", file.path, line, column, ("unit",),
                f"登记文件写的单位「{header.unit}」与所在文件夹 records/{file.unit}/ 不一致",
                f"把 unit 改为 {file.unit}，或把文件移到 records/{header.unit}/", file.unit,
            )  # fmt: skip

    def _entry(self, file: RecordsFile, records: Records, entry: Entry) -> Iterator[RecordFinding]:
        key = _SECTION_KEY[entry.section]
        where: Path = (key, entry.index)
        for code, (line, column), message, hint in entry.problems:
            yield RecordFinding(code, file.path, line, column, where, message, hint, file.unit)
        checker = self.sections[entry.section]
        data: Any = entry.data
        if not isinstance(data, dict) or not checker.quick_valid(data):
            if self._lines is not None:  # a typing mistake (a full-width colon …) named at its character
                typos = [t for n, text in self._lines.get(entry.line, entry.end_line) for t in line_typos(n, text)]
                if typos:
                    for t in typos:
                        yield RecordFinding("E003", file.path, t.line, t.column, where, t.message, t.hint, file.unit)
                    return
            values, keys = entry.positions()
            doc = Document(
                file.path, data=data, values={p: (*at, *at) for p, at in values.items()},
                keys={p: (*at, *at) for p, at in keys.items()},
            )  # fmt: skip
            for p in checker.problems(doc):
                yield RecordFinding(
                    "E003", file.path, p.span.line, p.span.column, (*where, *p.path), p.message, p.hint, file.unit
                )  # fmt: skip
            return
        problems: Iterable[CaseProblem]
        if entry.section == "case":
            problems = records.case(data)
        elif entry.section == "expense":
            problems = list(records.expense(data))
            if self.counted is not None and file.unit in self.counted:
                self.counted[file.unit].expenses += 1
                self.counted[file.unit].expenses_unsigned += any(p.code == "R808" for p in problems)
        else:
            problems = list(records.meeting(data))
            if self.counted is not None and file.unit in self.counted:
                self.counted[file.unit].meetings += 1
                self.counted[file.unit].meetings_unattended += any(p.code == "R809" for p in problems)
        for problem in problems:
            line, column = entry.place(problem.path)
            yield RecordFinding(
                problem.code, file.path, line, column, (*where, *problem.path), problem.message, problem.hint,
                file.unit, problem.power,
            )  # fmt: skip


def _first_bad_byte(path: FsPath) -> tuple[int, int, bytes]:
    """The line and column of the first byte that is not UTF-8, and a sample of the bytes from there."""
    line, column = 1, 1
    pending = b""

    def advance(text: str) -> None:
        nonlocal line, column
        breaks = text.count("\n")
        if breaks:
            line += breaks
            column = len(text) - text.rfind("\n")
        else:
            column += len(text)

    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            data = pending + chunk
            try:
                text, pending = data.decode("utf-8"), b""
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                    text, pending = data[: exc.start].decode("utf-8"), data[exc.start :]
                else:
                    advance(data[: exc.start].decode("utf-8"))
                    return line, column, data[exc.start : exc.start + 4096]
            advance(text)
    return line, column, pending


class _Lines:
    """A YAML records file's lines, read forward once: the entries come in order, and only those the schema
    rejects ask for their text."""

    def __init__(self, path: FsPath) -> None:
        self._handle = path.open(encoding="utf-8-sig", errors="replace")
        self._next = 1  # the number of the line the handle reads next

    def get(self, first: int, last: int) -> list[tuple[int, str]]:
        out = []
        while self._next <= last:
            text = self._handle.readline()
            if not text:
                break
            if self._next >= first:
                out.append((self._next, text.rstrip("\r\n")))
            self._next += 1
        return out

    def close(self) -> None:
        self._handle.close()


def count(root: FsPath, units: Mapping[str, Unit], today: date) -> tuple[dict[str, UnitOperation], list[RecordFinding]]:
    """The records under root/records counted per unit (`stats --records`), and the findings of the check
    that went with it, so that a file that could not be read is said, not skipped."""
    files, unreadable, outside = discover(root)
    counted: dict[str, UnitOperation] = {}
    elsewhere = frozenset(f.unit for f in files if f.unit is not None and f.unit not in units)
    check = RecordsCheck(units, today, elsewhere, counted)
    found = [RecordFinding("E001", folder, 1, 1, (), f"无法读取文件夹：{why}", "", None) for folder, why in unreadable]
    for link, target in outside:
        found.append(RecordFinding("E001", link, 1, 1, (), boundary.message(target), boundary.HINT, None))
    for file in files:
        found.extend(check.check(file))
    return counted, found


def _syntax_typo(path: FsPath, line: int) -> Typo | None:
    """`typos.syntax_typo` over the few lines before a YAML error (the file is not read whole)."""
    first = max(1, line - 3)
    lines = [""] * (first - 1)
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            for n, text in enumerate(handle, start=1):
                if n >= first:
                    lines.append(text.rstrip("\r\n"))
                if n >= line:
                    break
    except OSError:
        return None
    return syntax_typo("\n".join(lines), line)
