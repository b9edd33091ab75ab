"""Safe in a hostile world: hostile text through every command, and nothing of a non-public power in public files.

The corpus (`tests/hostile_corpus.py`) is run once through validate (every format), render, bundle (both
audiences, with --previous), export, stats (every format), diff, compare, import of the exported workbook and
fix --diff. Each command must end with a documented exit code and no traceback, and write only into its own
output folder. Then the outputs are read back: HTML and SVG hold the hostile markup only as text, no XLSX cell
is a formula, and no public file holds anything of the 内部公开 power, its 子项's reference to it, the reason
of a change record that also lists it, or a 廉政风险点.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from powerctl.documents.public_source import WITHHELD, public_source
from tests import hostile_corpus as corpus
from tests.bundle_text import texts
from tests.conftest import run_cli

UNIT_FILES = [f"{corpus.FOLDER}/{unit}.yaml" for unit in corpus.UNITS]
VALIDATE_FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
LISTING_FORMATS = ("text", "markdown", "json")


# -- the public 源数据 projection, unit by unit ---------------------------------------------------------------


def _catalogue() -> dict[str, Any]:
    return {
        "schema": "powerctl/catalogue@1",
        "powers": [
            {"id": "ZD-001", "name": "隐藏主项"},
            {"id": "ZD-002", "name": "公开子项", "parent": "ZD-001"},
            {"id": "XK-001", "name": "公开主项"},
            {"id": "XK-002", "name": "公开子项二", "parent": "XK-001"},
        ],
        "changes": [
            {"date": date(2026, 3, 1), "items": ["ZD-002", "ZD-001"], "kind": "调整", "reason": "因隐藏主项调整"},
            {"date": date(2026, 3, 2), "items": ["XK-001", "XK-002"], "kind": "新增", "reason": "公开的理由"},
            {"date": date(2026, 3, 3), "items": ["ZD-001"], "kind": "取消", "reason": "只涉及隐藏主项"},
            {"date": date(2026, 3, 4), "items": ["XK-001", ["ZD-001"]], "kind": "调整", "reason": "形状不对"},
        ],
    }


def test_public_source_drops_references_to_powers_not_published() -> None:
    out = public_source(_catalogue(), {"ZD-002", "XK-001", "XK-002"})
    assert out["powers"] == [
        {"id": "ZD-002", "name": "公开子项"},  # its parent is not published: no `parent` at all
        {"id": "XK-001", "name": "公开主项"},
        {"id": "XK-002", "name": "公开子项二", "parent": "XK-001"},
    ]
    assert out["changes"] == [
        {"date": date(2026, 3, 1), "items": ["ZD-002"], "kind": "调整", "reason": WITHHELD},  # it may name ZD-001
        {"date": date(2026, 3, 2), "items": ["XK-001", "XK-002"], "kind": "新增", "reason": "公开的理由"},
        {"date": date(2026, 3, 4), "items": ["XK-001"], "kind": "调整", "reason": WITHHELD},  # a malformed item
    ]
    dumped = yaml.safe_dump(out, allow_unicode=True)
    assert "ZD-001" not in dumped and "隐藏" not in dumped and "形状不对" not in dumped


def test_public_source_of_an_all_public_unit_is_its_public_fields() -> None:
    data = _catalogue()
    everyone = {"ZD-001", "ZD-002", "XK-001", "XK-002"}
    out = public_source(data, everyone)
    assert out["powers"] == data["powers"]
    assert [c.get("reason") for c in out["changes"]] == ["因隐藏主项调整", "公开的理由", "只涉及隐藏主项", WITHHELD]


def test_positions_after_a_line_separator_are_the_lines_of_the_file() -> None:
    """Word's manual line break (U+2028) pasted inside quotes: libyaml counts it as a line break, an editor
    does not; every position after it is the one the clerk sees."""
    from powerctl.source.load import load_text

    doc = load_text("f.yaml", "a: '行\u2028  分'\nb: \"段\u2029落\"\nc: 1\n")
    assert doc.data == {"a": "行\u2028分", "b": "段\u2029落", "c": 1}
    assert [doc.keys[(k,)][:2] for k in "abc"] == [(1, 1), (2, 1), (3, 1)]
    broken = load_text("f.yaml", "a: '行\u2028分'\nb: [1, 2\n")
    assert [(p.code, p.span.line) for p in broken.problems] == [("E001", 2)]


# -- the corpus through every command ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    label: str
    args: tuple[str, ...]
    code: int
    output: str  # stdout and stderr


@dataclass(frozen=True)
class Corpus:
    root: Path  # everything the commands may touch is under here
    repo: Path
    out: Path
    runs: dict[str, Run]


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _commands(out: Path, control: Path) -> list[tuple[str, tuple[str, ...], set[int], Path | None]]:
    """(label, arguments, the exit codes documented for this input, the one folder it may write in)."""
    cgj, zhadu = UNIT_FILES
    cmds: list[tuple[str, tuple[str, ...], set[int], Path | None]] = [
        (f"validate {f}", ("validate", "catalogues", "-f", f, "--no-cache"), {0}, None) for f in VALIDATE_FORMATS
    ]
    cmds += [
        (
            "validate -o",
            ("validate", "catalogues", "-o", f"sarif={out / 'validate' / 'v.sarif'}"),
            {0},
            out / "validate",
        ),
        ("validate control", ("validate", str(control), "-f", "json", "--no-cache"), {1}, None),
        # SVG only: the bundle draws every PNG and PDF (and their fallbacks) with the same drawer.
        ("render", ("render", "catalogues", "-o", str(out / "render"), "--format", "svg"), {0}, out / "render"),
        ("bundle", ("bundle", "catalogues", "-o", str(out / "bundle"), "--previous", "HEAD~1"), {0}, out / "bundle"),
        ("export", ("export", "catalogues", "-o", str(out / "export" / "职权目录.xlsx")), {0}, out / "export"),
    ]
    cmds += [(f"stats {f}", ("stats", "catalogues", "-f", f), {0}, None) for f in ("text", "json", "markdown")]
    cmds += [
        (
            "stats xlsx",
            ("stats", "catalogues", "-f", "xlsx", "-o", str(out / "stats" / "统计.xlsx")),
            {0},
            out / "stats",
        ),
        ("stats risks", ("stats", "catalogues", "--risks"), {0}, None),
    ]
    cmds += [(f"diff {f}", ("diff", "HEAD~1", "HEAD", "-f", f), {0}, None) for f in LISTING_FORMATS]
    cmds += [(f"compare {f}", ("compare", cgj, zhadu, "-f", f), {0}, None) for f in LISTING_FORMATS]
    cmds += [
        # The 10^5-character quote does not fit an Excel cell (32,767 characters): the export shortens it,
        # and the import reports that cell and leaves the catalogue as it was (exit 1).
        (
            "import",
            ("import", "--update", str(out / "export" / "职权目录.xlsx"), "-o", str(out / "imported")),
            {0, 1},
            out / "imported",
        ),
        ("fix --diff", ("fix", "catalogues", "--diff"), {0, 1}, None),
    ]
    return cmds


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("hostile")
    repo = corpus.make_repo(root / "repo")
    control = corpus.control_file(root / "control")
    out = root / "out"
    for folder in ("validate", "export", "stats"):  # a command writing one file writes it into a folder that exists
        (out / folder).mkdir(parents=True)
    runs: dict[str, Run] = {}
    for label, args, codes, folder in _commands(out, control):
        if label == "import":
            shutil.copytree(repo / "catalogues", out / "imported")  # --update merges into the YAML it finds
        before = _snapshot(root)
        done = run_cli(*args, cwd=repo, timeout=600)
        run = runs[label] = Run(label, args, done.returncode, done.stdout + done.stderr)
        assert done.returncode in codes, (label, done.returncode, run.output[-3000:])
        after = _snapshot(root)
        written = sorted(rel for rel, stat in after.items() if before.get(rel) != stat)
        written += sorted(rel for rel in before if rel not in after)
        inside = folder.relative_to(root).as_posix() + "/" if folder is not None else None
        assert all(inside and rel.startswith(inside) for rel in written), (label, written[:10])
    return Corpus(root, repo, out, runs)


def test_every_command_ends_cleanly(ran: Corpus) -> None:
    for run in ran.runs.values():
        assert "Traceback" not in run.output and "内部错误" not in run.output, (run.label, run.output[-2000:])
    for f in ("json", "sarif", "gitlab"):
        json.loads(ran.runs[f"validate {f}"].output)
    found = json.loads(ran.runs["validate json"].output)["findings"]
    assert found  # N602: two powers renamed to the same hostile string
    for finding in found:  # each at the line of the field it names, whatever LS and PS came before it
        line = (ran.repo / finding["file"]).read_text(encoding="utf-8").split("\n")[finding["line"] - 1]
        assert line.strip().startswith(finding["pointer"].rsplit("/", 1)[-1]), (finding, line[:80])
    ET.fromstring(ran.runs["validate junit"].output)
    findings = json.loads(ran.runs["validate control"].output)["findings"]
    assert findings and {f["rule"] for f in findings} == {"E004"}
    assert all(f["line"] >= 1 and f["column"] >= 1 and "U+" in f["message"] for f in findings)
    for label in ("diff json", "compare json", "stats json"):
        json.loads(ran.runs[label].output)


def test_export_then_import_changes_no_byte(ran: Corpus) -> None:
    for rel in UNIT_FILES:
        assert (ran.out / "imported" / rel.removeprefix("catalogues/")).read_bytes() == (ran.repo / rel).read_bytes()


class _Page(HTMLParser):
    """The elements, attributes and script bodies of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)


def _files(folder: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_html_holds_the_hostile_markup_only_as_text(ran: Corpus) -> None:
    pages = _files(ran.out, ".html")
    assert len(pages) > 20
    shown = ""
    for page in pages:
        parser = _Page()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parser.tags:
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            assert not (tag == "img" and attrs.get("src") == "x"), page
        for attrs, body in parser.scripts:
            if attrs.get("type") == "application/json":
                json.loads(body)  # data, which cannot end its element
            else:
                assert "alert(1)" not in body and "calc" not in body, page  # no script from the data
        shown += "".join(parser.text)
    for text in ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "../../etc/passwd"):
        assert text in shown  # reached the pages, as text


def test_svg_holds_the_hostile_markup_only_as_text(ran: Corpus) -> None:
    drawings = _files(ran.out, ".svg")
    assert len(drawings) > 20
    words = ""
    for path in drawings:
        root = ET.parse(path).getroot()  # well-formed, or this raises
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            assert local not in ("script", "foreignObject"), (path, local)
            assert not [a for a in element.attrib if a.rsplit("}", 1)[-1].startswith("on")], (path, element.attrib)
            words += element.text or ""
    assert "alert(1)" in words and "../../etc/passwd" in words


def test_no_workbook_cell_is_a_formula(ran: Corpus) -> None:
    """Text starting with = + - @ stays text in every workbook (the office part of issue 32 makes it so)."""
    books = _files(ran.out, ".xlsx")
    assert len(books) >= 7
    for path in books:
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate, cell.value)


def test_public_bundle_holds_nothing_of_the_hidden_power(ran: Corpus) -> None:
    public, internal = ran.out / "bundle" / "public", ran.out / "bundle" / "internal"
    hidden = (corpus.HIDDEN_ID, corpus.HIDDEN_NAME, corpus.MIXED_REASON, "混合理由金丝雀", corpus.RISK_WORD)
    files = sorted(p for p in public.rglob("*") if p.is_file())
    assert len(files) > 80
    everything = ""
    for path in files:
        text = texts(path)
        for word in hidden:
            assert word not in text, (path.relative_to(public), word)
        everything += text
    # What is public still is: the 子项, and the reason of the change that lists only public powers.
    assert corpus.CHILD_ID in everything and corpus.CHILD_NAME in everything
    notes = (public / "lsj-cgj" / "变更说明.md").read_text(encoding="utf-8")
    assert corpus.CHILD_NAME in notes and "公开理由" in notes
    source = yaml.safe_load((public / "lsj-cgj" / "源数据" / "lsj-cgj.yaml").read_text(encoding="utf-8"))
    child = next(p for p in source["powers"] if p["id"] == corpus.CHILD_ID)
    assert "parent" not in child
    assert {tuple(c["items"]): c["reason"] for c in source["changes"][-2:]} == {
        (corpus.CHILD_ID,): WITHHELD,
        ("XK-001",): corpus.PUBLIC_REASON,
    }
    assert WITHHELD in notes
    for unit in corpus.UNITS:  # still a catalogue the schema accepts
        checked = run_cli("validate", str(public / unit / "源数据" / f"{unit}.yaml"), "--select", "E", cwd=ran.repo)
        assert checked.returncode == 0, checked.stdout
    # The internal bundle has all of it: the words were planted where they are looked for.
    inside = texts(internal / "lsj-cgj" / "变更说明.md") + texts(internal / "lsj-cgj" / "源数据" / "lsj-cgj.yaml")
    assert corpus.MIXED_REASON in inside and corpus.HIDDEN_NAME in texts(
        internal / "lsj-cgj" / "一表" / "权力清单.html"
    )
