"""The one gate for names made from data (powerctl.source.pathgate): whatever it lets through is one path
component that stays inside its folder, on POSIX and on Windows."""

from __future__ import annotations

import ntpath
import posixpath
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerctl.source.pathgate import UnsafeName, component, inside, problem, shown

HOSTILE = [
    "",
    ".",
    "..",
    "../etc",
    "a/b",
    "a\\b",
    "/etc/passwd",
    "C:\\Windows",
    "c:x",
    "CON",
    "nul.txt",
    "Com1",
    "LPT9.yaml",
    "a\x00b",
    "x\u202egpj.exe",
    "zero\u200bwidth",
    "\ufeffbom",
    "trailing.",
    "trailing ",
    "-rf",
    "长" * 100,  # 300 bytes of UTF-8
    "line\nbreak",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(UnsafeName) as caught:
        component(name)
    assert "不能用作文件或文件夹名" in str(caught.value)
    assert "\x00" not in str(caught.value) and "\u202e" not in str(caught.value)


@pytest.mark.parametrize("name", ["lsj-zjj", "XK-001", "县市场监督管理局", "𠮷", "浉河区", "a.b", "con-1", "nul_x"])
def test_ordinary_names_pass(name: str) -> None:
    assert component(name) == name


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_what_passes_is_one_component_on_every_system(name: str) -> None:
    if problem(name) is not None:
        with pytest.raises(UnsafeName):
            component(name)
        return
    for flavour in (posixpath, ntpath):
        head, tail = flavour.split(name)
        assert head == "" and tail == name
        assert not flavour.isabs(name)
        assert flavour.normpath(flavour.join("out", name)).startswith("out")
    assert name not in (".", "..")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=3))
def test_inside_never_leaves_the_folder(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    folder = tmp_path_factory.mktemp("out")
    try:
        path = inside(folder, *names)
    except UnsafeName:
        return
    assert folder.resolve() in path.resolve().parents


def test_inside_refuses_a_symlink_out(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafeName):
        inside(tmp_path / "out", "link", "file")


def test_shown_makes_invisible_characters_visible() -> None:
    assert shown("a\u202eb\u200bc") == "a\\u202eb\\u200bc"
    assert shown("x" * 100, limit=10) == "x" * 10 + "…"
