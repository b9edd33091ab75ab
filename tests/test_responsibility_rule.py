"""G510 responsibility-missing: off unless the config's profile is 权责清单 or gives it a level; and the config
keys that reach it and 一表 (`profile`, `table.duties`)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from powerctl.catalogue.config import Config, ConfigError, load_config
from powerctl.check.engine import Options, validate
from powerctl.check.report import Finding

FAIL = Path(__file__).parent / "rule_cases" / "g510" / "fail"
TODAY = date(2026, 11, 22)


def _g510(folder: Path, config: Config) -> list[Finding]:
    report = validate([str(folder / "lsj-zjj.yaml")], config, Options(today=TODAY, cache=False))
    return [f for f in report.report.findings if f.rule == "G510"]


def test_the_fail_case_reports_each_power_with_what_it_lacks() -> None:
    found = _g510(FAIL, load_config(FAIL))
    assert [(f.power, f.severity) for f in found] == [(p, "warning") for p in ("XK-001", "XK-002", "XK-003", "XK-004")]
    messages = {f.power: f.message for f in found}
    assert "责任事项" in messages["XK-001"] and "追责情形" in messages["XK-001"]
    assert "追责情形" in messages["XK-002"] and "责任事项" not in messages["XK-002"]
    assert "责任事项" in messages["XK-004"] and "追责情形" not in messages["XK-004"]
    hints = {f.power: f.hint for f in found}
    assert "responsibilities: [{stage: 受理, duty: …}" in hints["XK-001"] and "accountability: [" in hints["XK-001"]
    assert found[2].pointer.endswith("/accountability")  # the empty list itself


def test_without_the_profile_it_reports_nothing() -> None:
    assert _g510(FAIL, Config(root=FAIL)) == []


def test_an_explicit_level_turns_it_on_or_off() -> None:
    found = _g510(FAIL, Config(root=FAIL, levels={"G510": "error"}))
    assert len(found) == 4 and {f.severity for f in found} == {"error"}
    assert _g510(FAIL, Config(root=FAIL, levels={"G510": "off"}, profile="权责清单")) == []


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(FAIL, folder)
    path = folder / "lsj-zjj.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "reported"),
    [
        ("    category: 行政许可\n", "    category: 行政检查\n", True),
        ("    category: 行政许可\n", "    category: 行政处罚\n", True),
        ("    category: 行政许可\n", "    category: 行政强制\n", True),
        ("    category: 行政许可\n", "    category: 行政确认\n", False),
        ("    category: 行政许可\n", "    category: 其他行政权力\n", False),
        ("    status: 保留\n", "    status: 取消\n", False),
    ],
)
def test_which_powers_it_asks(tmp_path: Path, old: str, new: str, reported: bool) -> None:
    """The first power (XK-001, neither 责任事项 nor 追责情形) in another category or status."""
    folder = _edited(tmp_path, old, new)
    found = [f for f in _g510(folder, load_config(folder)) if f.power == "XK-001"]
    assert bool(found) == reported
    if reported:
        assert new.split(": ")[1].strip() in found[0].message


def test_the_config_keys(tmp_path: Path) -> None:
    assert (Config(root=tmp_path).duties, Config(root=tmp_path).profile) == ("auto", None)
    (tmp_path / ".powerctl.yaml").write_text("profile: 权责清单\ntable: {duties: off}\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.duties, config.profile) == ("off", "权责清单")
    for bad in ("table: {duties: yes}\n", "profile: 权力清单\n", "table: {columns: on}\n"):
        (tmp_path / ".powerctl.yaml").write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match="配置文件有误"):
            load_config(tmp_path)
