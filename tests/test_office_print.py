"""The workbooks as offices print them: the 一表 XLSX and the export workbook (`powerctl export`) converted to PDF
by LibreOffice Calc (scripts/bootstrap installs libreoffice-calc-nogui beside Writer)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from powerctl.catalogue.config import Config
from powerctl.catalogue.model import Unit
from powerctl.documents import table
from powerctl.documents.context import UnitDocs, audience_powers
from powerctl.laws.registry import builtin
from powerctl.laws.resolve import LawResolver
from tests.conftest import CATALOGUES, ROOT, run_cli

LONG = ROOT / "tests" / "fixtures" / "quanze" / "sf-scjgj.yaml"


def _print_with_calc(files: list[Path], folder: Path) -> dict[str, tuple[int, str, float]]:
    """Each workbook printed to PDF by LibreOffice Calc: file stem → (pages, text, the smallest text in pt)."""
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice is installed by scripts/bootstrap: the workbooks are printed as offices do"
    out = folder / "printed"
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    printed = {}
    for file in files:
        pdf = out / f"{file.stem}.pdf"
        assert pdf.is_file(), (file.name, done.stdout, done.stderr)  # no Calc filter: libreoffice-calc-nogui missing
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info  # A4 landscape
        text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        printed[file.stem] = (pages, re.sub(r"\s+", "", text), _smallest(pdf, folder))
    return printed


def _smallest(pdf: Path, folder: Path) -> float:
    """The smallest text Calc printed, in points: its fonts' sizes (Tf), the text matrices (Tm) unscaled."""
    plain = folder / f"{pdf.stem}-plain.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(plain)], check=True)
    data = plain.read_bytes()
    matrices = re.findall(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) -?[\d.]+ -?[\d.]+ Tm", data)
    assert all(float(a) == 1 and float(d) == 1 for a, _, _, d in matrices)  # sizes are the fonts' own
    found = [float(size) for size in re.findall(rb"/\w+ ([\d.]+) Tf", data)]
    assert found
    return min(found)


def _docs(unit: Unit) -> UnitDocs:
    laws = LawResolver([builtin()], None, date(2026, 11, 22))
    return UnitDocs(unit, audience_powers(unit, "internal"), "internal", laws, {})


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_calc_prints_the_table_and_export_workbooks(units: dict[str, Unit], tmp_path: Path) -> None:
    from powerctl.check.engine import validate

    long_unit = validate([str(LONG)], Config(root=ROOT)).units[0]
    shown = [units["lsj-cgj"], long_unit]
    files = []
    for unit in shown:
        path = tmp_path / f"{unit.id}.xlsx"
        table.write_xlsx(_docs(unit), path)
        files.append(path)
    export = tmp_path / "export.xlsx"
    done = run_cli("export", str(CATALOGUES), "-o", str(export))
    assert done.returncode == 0, done.stdout + done.stderr
    files.append(export)

    printed = _print_with_calc(files, tmp_path)
    for unit in shown:
        pages, text, smallest = printed[unit.id]
        sheets = len(table.tables(_docs(unit)))
        # never a page for each row: the header and a row fit with room to spare
        assert sheets <= pages <= len(unit.powers) + sheets, (unit.id, pages)
        assert re.sub(r"\s+", "", table.title(_docs(unit)).split("（")[0]) in text
        for power in unit.powers:
            assert re.sub(r"\s+", "", power.name) in text, (unit.id, power.name)
        assert "第1页，共" in text  # the footer Calc fills in
        # columns as wide as their text and the page's width at 10 pt: never shrunk under 8 pt (before: 6.3)
        assert smallest >= 8.0, (unit.id, smallest)
    pages, text, smallest = printed["export"]
    every = [p for u in units.values() for p in u.powers]
    # the export spread over pages across at its own size (before: shrunk onto one page's width, 2.5 pt text)
    assert smallest >= 8.0, smallest
    assert len(units) <= pages <= 8 * (len(every) // 20 + len(units)), pages
    for power in every:
        assert power.id in text and re.sub(r"\s+", "", power.name)[:8] in text, power.id
