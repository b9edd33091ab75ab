"""The loader: YAML 1.2 resolution, positions, and bad input that must never crash or hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from powerctl.source import load
from powerctl.source.load import load_bytes, load_text
from tests.conftest import findings, run_cli


def test_c_parser_is_in_use() -> None:
    assert load.C_PARSER, "PyYAML was installed without libyaml: reading would be ~10x slower"


def test_yaml_12_core_schema() -> None:
    doc = load_text("t.yaml", "a: no\nb: yes\nc: 2026-03-02\nd: 012\ne: '012'\nf: ~\ng: 0o17\nh: true\n")
    assert doc.data == {"a": "no", "b": "yes", "c": "2026-03-02", "d": 12, "e": "012", "f": None, "g": 15, "h": True}
    assert doc.plain_numbers[("d",)] == "012"


def test_positions_count_characters_not_bytes() -> None:
    doc = load_text("t.yaml", "unit:\n  name: 冷水江市城市管理局\n  id: 中文键后\n")
    name = doc.span(("unit", "name"))
    assert (name.line, name.column, name.end_column) == (2, 9, 18)
    assert doc.key_span(("unit", "id")).column == 3


def test_bom_is_accepted() -> None:
    doc = load_bytes("t.yaml", b"\xef\xbb\xbfa: 1\n")
    assert doc.ok and doc.data == {"a": 1}


def test_gbk_names_the_encoding() -> None:
    doc = load_bytes("t.yaml", "a: 1\nname: 城市管理局\n".encode("gbk"))
    (p,) = doc.problems
    assert p.code == "E004" and "GBK" in p.message and (p.span.line, p.span.column) == (2, 7)


@pytest.mark.parametrize("lead", range(4))
@pytest.mark.parametrize("newlines", [False, True])
def test_gbk_is_named_wherever_the_sample_would_end(lead: int, newlines: bool) -> None:
    """However many bytes come before the Chinese text, and with or without line ends near byte 400, a GBK
    file is named GBK (a fixed 400-byte sample cut a character in two, then "未知编码")."""
    body = "\n".join(f"  - 城市管理局第{i}项职责" for i in range(40)) if newlines else "城" * 600
    raw = ("x" * lead + "name: " + body + "\n").encode("gbk")
    (p,) = load_bytes("t.yaml", raw).problems
    assert p.code == "E004" and "GBK" in p.message, p.message


def test_duplicate_key_position_and_first_value_kept() -> None:
    doc = load_text("t.yaml", "a:\n  b: 1\n  b: 2\n")
    (p,) = doc.problems
    assert (p.code, p.span.line, p.span.column) == ("E002", 3, 3)
    assert "第 2 行" in p.message
    assert doc.data == {"a": {"b": 1}}


def _bomb(levels: int = 12) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


BAD_INPUTS: dict[str, bytes] = {
    "malformed": b"unit:\n  name: [a, b\n  id: x\n",
    "gbk": "schema: powerctl/catalogue@1\nunit:\n  name: 冷水江市城市管理局\n".encode("gbk"),
    "tabs": b"unit:\n\tname: x\n",
    "duplicate": b"schema: powerctl/catalogue@1\nschema: powerctl/catalogue@1\n",
    "alias-bomb": _bomb().encode(),
    "deep": b"a: " + b"[" * 20000 + b"]" * 20000 + b"\n",
    "deep-block": "".join(" " * i + "- \n" for i in range(0, 40000, 2)).encode(),
    "binary": bytes(range(256)) * 64,
    "nul": b"a: 1\x00\x00\n",
    "empty": b"",
    "blank": b"\n\n   \n",
    "documents": b"a: 1\n---\nb: 2\n",
    "list-top": b"- a\n- b\n",
    "scalar-top": b"just text\n",
    "code-unquoted": b"schema: powerctl/catalogue@1\nunit: {}\npowers:\n  - id: XK-1\n    code: 000101\n",
    "id-traversal": b"schema: powerctl/catalogue@1\nunit: {id: ../../x}\npowers: []\n",
    "complex-key": b"? [a, b]\n: c\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_finding_with_a_position(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(BAD_INPUTS[name])
    started = time.monotonic()
    result = run_cli("validate", str(path), "-f", "json", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    items = findings(result)
    assert items, "bad input passed silently"
    for f in items:
        assert f["line"] >= 1 and f["column"] >= 1
        assert f["file"] == str(path)
        assert f["message"]
    assert elapsed < 20


def test_unquoted_code_hint_says_quote_it(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(BAD_INPUTS["code-unquoted"])
    items = findings(run_cli("validate", str(path), "-f", "json", cwd=tmp_path))
    code = [f for f in items if f["pointer"] == "/powers/0/code"]
    assert code and "引号" in code[0]["hint"] and '"000101"' in code[0]["hint"]
    assert (code[0]["line"], code[0]["column"]) == (5, 11)


def test_id_traversal_is_rejected_by_pattern(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(BAD_INPUTS["id-traversal"])
    items = findings(run_cli("validate", str(path), "-f", "json", cwd=tmp_path))
    assert any(f["pointer"] == "/unit/id" and f["rule"] == "E003" for f in items)


def test_alias_bomb_stops_early() -> None:
    started = time.monotonic()
    doc = load_text("b.yaml", _bomb(20))
    assert time.monotonic() - started < 2
    assert doc.problems and doc.problems[0].code == "E001"


def test_unreadable_path_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    doc = load.load_file(tmp_path / "dir.yaml")
    assert doc.problems and "无法读取" in doc.problems[0].message
