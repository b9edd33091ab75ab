"""Word tables read in one pass (issue 32): a vertical merge thousands of rows long imports quickly, with no
traceback, and merged cells give the same texts as python-docx's `row.cells`, each under its own heading."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from powerctl.importer.sheets import SheetError, read_tables, word_rows

_HEADER = ["事项类型", "事项名称", "办理主体", "承办机构", "行使依据", "收费标准与依据"]
_SUBJECT = "市文化广播电视和旅游局"
_SECONDS = 20


def _put(tc: object, text: str) -> None:
    tc.p_lst[0].add_r().text = text  # type: ignore[attr-defined]


def _long_merge(path: Path, rows: int) -> Path:
    """A header, then `rows` rows whose 事项类型 is one vertical merge and whose 办理主体 spans the 承办机构
    column too (gridSpan), then a last row that starts a column late (gridBefore) under the merge's end."""
    document = docx.Document()
    table = document.add_table(rows=rows + 2, cols=len(_HEADER))
    trs = table._tbl.tr_lst
    for tc, text in zip(trs[0].tc_lst, _HEADER, strict=True):
        _put(tc, text)
    for i, tr in enumerate(trs[1:-1]):
        tcs = tr.tc_lst
        tcs[0].vMerge = "continue" if i else "restart"
        if not i:
            _put(tcs[0], "行政处罚")
        _put(tcs[1], f"对第{i + 1}项违法行为的处罚")
        _put(tcs[2], _SUBJECT)
        tcs[2].grid_span = 2
        tr.remove(tcs[3])
        _put(tcs[4], "《中华人民共和国文物保护法》第八条")
        _put(tcs[5], "不收费")
    last = trs[-1]
    last.remove(last.tc_lst[0])
    last.get_or_add_trPr().get_or_add_gridBefore().val = 1
    for tc, text in zip(last.tc_lst, ["末行事项", _SUBJECT, "执法科", "《博物馆条例》第十条", "不收费"], strict=True):
        _put(tc, text)
    path = path / "长合并.docx"
    document.save(str(path))
    return path


def test_a_vertical_merge_of_three_thousand_rows_is_read_in_one_pass(tmp_path: Path) -> None:
    path = _long_merge(tmp_path, 3000)
    start = time.monotonic()
    (table,) = read_tables(path)
    assert time.monotonic() - start < _SECONDS
    assert len(table.rows) == 3002 and table.rows[0] == _HEADER
    for r in range(1, 3001):  # the merged 事项类型 in every row it covers; 办理主体 in both columns it spans
        assert table.rows[r] == ["行政处罚", f"对第{r}项违法行为的处罚", _SUBJECT, _SUBJECT,
                                 "《中华人民共和国文物保护法》第八条", "不收费"]  # fmt: skip
    # The row that starts a column late keeps each cell under its own heading.
    assert table.rows[-1] == ["", "末行事项", _SUBJECT, "执法科", "《博物馆条例》第十条", "不收费"]


def test_importing_a_long_vertical_merge_has_no_traceback_and_bounded_time(tmp_path: Path) -> None:
    path = _long_merge(tmp_path, 3000)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "powerctl", "import", str(path), "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr
    # CPU time, not the clock: the machine running the tests may be busy with other work.
    assert cpu < _SECONDS, (cpu, time.monotonic() - start)
    (written,) = (tmp_path / "out").glob("*.yaml")
    powers = YAML(typ="safe").load(written.read_text(encoding="utf-8"))["powers"]
    assert len(powers) == 3001
    assert all(p["category"] == "行政处罚" for p in powers[:3000])
    assert powers[-1]["name"] == "末行事项"


@st.composite
def _tables(draw: st.DrawFn) -> docx.table.Table:
    """A small table of random texts with random merges (python-docx's own, so well formed: gridSpan and vMerge
    as Word writes them) and rows that start late (gridBefore in place of unmerged leading cells)."""
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    table = docx.Document().add_table(rows=rows, cols=cols)
    texts = st.text(alphabet="甲乙 1\n", max_size=4)
    for r in range(rows):
        for c in range(cols):
            table.cell(r, c).text = draw(texts)
    merged: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        r0, r1 = sorted(draw(st.lists(st.integers(0, rows - 1), min_size=2, max_size=2)))
        c0, c1 = sorted(draw(st.lists(st.integers(0, cols - 1), min_size=2, max_size=2)))
        covered = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if not covered & merged:  # merges that overlap are not a table Word can make
            table.cell(r0, c0).merge(table.cell(r1, c1))
            merged |= covered
    for tr in table._tbl.tr_lst:
        late = 0
        for tc in tr.tc_lst[: draw(st.integers(0, 2))]:
            if tc.vMerge is not None or len(tr.tc_lst) == 1:
                break
            late += tc.grid_span
            tr.remove(tc)
        if late:
            tr.get_or_add_trPr().get_or_add_gridBefore().val = late
    return table


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_merged_cells_give_what_python_docx_gives(table: docx.table.Table) -> None:
    # python-docx leaves out the columns a row starts late by; its documentation says to put them back.
    expected = [[""] * row.grid_cols_before + [cell.text.strip() for cell in row.cells] for row in table.rows]
    assert word_rows(table._tbl) == expected


def test_a_merge_with_nothing_above_and_a_damaged_span(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 1).text, table.cell(1, 0).text = "职权类别", "甲"
    table._tbl.tr_lst[0].tc_lst[0].vMerge = "continue"  # continues nothing: an empty cell
    assert word_rows(table._tbl) == [["", "职权类别"], ["甲", ""]]
    tc = table._tbl.tr_lst[1].tc_lst[1]
    tc.grid_span = 2
    tc.tcPr.gridSpan.set(qn("w:val"), "两")
    document.save(str(tmp_path / "损坏.docx"))
    with pytest.raises(SheetError, match=r"损坏\.docx：表1的行列格式已损坏"):
        read_tables(tmp_path / "损坏.docx")
