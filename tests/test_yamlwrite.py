"""The public 源数据 writer (`powerctl.yamlwrite`): reads back as the same data, or leaves it to PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl import yamlwrite
from powerctl.config import Config
from powerctl.engine import validate

ROOT = Path(__file__).resolve().parent.parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _back(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)


def test_shipped_catalogues_read_back_the_same() -> None:
    units = validate([str(ROOT / "catalogues")], Config(root=ROOT)).units
    assert units
    for unit in units:
        text = yamlwrite.dump(unit.doc.data)
        assert text is not None
        assert _back(text) == unit.doc.data
        # What PyYAML writes, line for line, but for quoting.
        pyyaml = yaml.dump(unit.doc.data, allow_unicode=True, sort_keys=False, width=10_000)
        assert len(text.splitlines()) == len(pyyaml.splitlines())


def test_strings_that_would_read_as_something_else_are_quoted() -> None:
    tricky = [
        *("yes", "No", "ON", "null", "~", "", " 前有空格", "后有空格 ", "12345", "0738-12388", "1e3", ".inf"),
        *("2024-01-01", "- 列表", "键: 值", "注释 #", "#开头", "a:b", "[1]", "{a}", "*ref", "&anchor", "!tag"),
        *("|", ">", "'单'", '"双"', "%指令", "@", "`", "=", "<<", "行一\n行二", "制表\t符", "\x00\x07\x1b"),
        *("\x85\u2028\u2029", "\ufeffBOM", "末尾\\", "公开：社会公开｜政府网站", "行政许可", "12345政务服务热线"),
        "🀄 非基本平面",
    ]
    data = {"items": tricky, **{f"k{i}": s for i, s in enumerate(tricky)}, "1": 1, "真": True, "空": None}
    text = yamlwrite.dump(data)
    assert text is not None
    assert _back(text) == data
    assert "items:\n- yes" not in text and '- "yes"' in text
    assert "\n- 行政许可\n" in text  # plain where it is safe


def test_what_it_does_not_write_is_left_to_pyyaml() -> None:
    assert yamlwrite.dump({"a": 1.5}) is None
    assert yamlwrite.dump({"a": [{"b": object()}]}) is None
    assert yamlwrite.dump({True: 1}) is None
    assert yamlwrite.dump({"x" * 2000: 1}) is None  # a key too long to be implicit


def test_empty_and_nested_collections() -> None:
    data: dict[str, Any] = {"a": {}, "b": [], "c": [[1, [2, {}]], {"d": [[], {"e": None}]}], "f": {"g": {"h": []}}}
    text = yamlwrite.dump(data)
    assert text is not None and _back(text) == data
    for value in ([], {}, "x", 3, None, [[1]], [{"a": 1}]):
        out = yamlwrite.dump(value)
        assert out is not None and _back(out) == value


_scalars = st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_keys = st.text(st.characters(exclude_categories=("Cs",)), max_size=8) | st.integers()
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_data)
def test_any_plain_data_reads_back_the_same(data: Any) -> None:
    text = yamlwrite.dump(data)
    assert text is not None
    assert _back(text) == data
