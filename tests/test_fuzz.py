"""Property tests: whatever bytes or YAML-ish text a file holds, validation ends in findings with positions
(or a clean pass), never an exception, and in bounded time."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.catalogue.config import Config
from powerctl.check.engine import validate
from powerctl.source.load import load_bytes
from tests.conftest import CATALOGUES

EXAMPLE = (CATALOGUES / "hunan/loudi/lengshuijiang/lsj-zhadu.yaml").read_text(encoding="utf-8")
YAMLISH = st.text(alphabet=st.sampled_from([*"ab:- \n\t[]{},'\"&*!|>#%@`0123456789中文：，", "\x00"]))


def _check(tmp: Path, raw: bytes) -> None:
    path = tmp / "lsj-zhadu.yaml"
    path.write_bytes(raw)
    report = validate([str(path)], Config(root=tmp)).report
    for f in report.findings:
        assert f.line >= 1 and f.column >= 1 and f.message
    json.dumps([f.as_dict() for f in report.findings], ensure_ascii=False)


@settings(max_examples=150, deadline=10000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_any_bytes(tmp_path: Path, raw: bytes) -> None:
    _check(tmp_path, raw)


@settings(max_examples=150, deadline=10000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=YAMLISH)
def test_yamlish_text(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=20000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(EXAMPLE)), junk=YAMLISH)
def test_damaged_real_catalogue(tmp_path: Path, cut: int, junk: str) -> None:
    _check(tmp_path, (EXAMPLE[:cut] + junk + EXAMPLE[cut:]).encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=5000)
@given(raw=st.binary(max_size=500))
def test_loader_never_raises(raw: bytes) -> None:
    doc = load_bytes("x.yaml", raw)
    for p in doc.problems:
        assert p.span.line >= 1 and p.span.column >= 1
