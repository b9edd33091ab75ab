"""The validate and rules commands as a user runs them: exit codes, json output, messages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from powerctl.rules import REGISTRY
from tests.conftest import CATALOGUES, ROOT, findings, run_cli

FINDING_KEYS = [
    "rule",
    "name",
    "severity",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "pointer",
    "unit",
    "power",
    "message",
    "hint",
]

MINIMAL = """\
schema: powerctl/catalogue@1
unit:
  id: {uid}
  name: 测试县城市管理局
  region: 测试省测试市测试县
  level: 县级
  departments:
    - {{id: approval, name: 审批股}}
  posts:
    - {{id: window, name: 窗口受理员, department: approval, rank: 经办人员}}
  complaint_channels:
    - {{way: 电话, contact: "0738-5222222"}}
powers:
  - id: XK-001
    name: 城市建筑垃圾处置核准
    category: 行政许可
    department: approval
    status: 保留
    basis: []
    time_limit: {{statutory: 20, promised: 10, unit: 工作日}}
    fee: {{charged: false}}
    disclosure: {{scope: 社会公开, forms: [政府网站], within_days: 7}}
"""


# The example records (records/) plant these, as of 2026-11-30; the catalogues themselves are clean.
PLANTED = [
    ("R803", "lsj-cgj/2026.yaml", 132), ("R801", "lsj-cgj/2026.yaml", 135), ("R804", "lsj-cgj/2026.yaml", 141),
    ("R805", "lsj-cgj/2026.yaml", 144), ("R806", "lsj-cgj/2026.yaml", 211), ("R802", "lsj-cgj/2026.yaml", 244),
    ("R804", "lsj-cgj/2026.yaml", 288), ("R805", "lsj-cgj/2026.yaml", 292),
    ("R804", "lsj-zhadu-xxc/2026.yaml", 53), ("R805", "lsj-zhadu-xxc/2026.yaml", 56),
    ("R808", "lsj-zhadu-xxc/2026.yaml", 67), ("R808", "lsj-zhadu-xxc/2026.yaml", 70),
    ("R808", "lsj-zhadu-xxc/2026.yaml", 70), ("R809", "lsj-zhadu-xxc/2026.yaml", 75),
    ("R801", "lsj-zhadu/2026-审批系统导出.csv", 53), ("R803", "lsj-zhadu/2026-审批系统导出.csv", 57),
    ("R801", "lsj-zhadu/2026-审批系统导出.csv", 61),
]  # fmt: skip


def test_example_catalogues_are_clean_and_the_example_records_give_their_planted_findings() -> None:
    result = run_cli("validate", "catalogues", "--today", "2026-11-30", "-f", "json")
    assert result.returncode == 1, result.stdout
    doc = json.loads(result.stdout)
    found = sorted((f["rule"], f["file"].split("records/", 1)[-1], f["line"]) for f in doc["findings"])
    assert all(f["file"].startswith("records/") for f in doc["findings"]), "the catalogues are not clean"
    assert found == sorted(PLANTED)
    assert doc["summary"]["files"] >= 6 and doc["summary"]["powers"] >= 10
    clean = run_cli("validate", "catalogues", "--ignore", "R8", "-f", "json")
    assert clean.returncode == 0 and json.loads(clean.stdout)["findings"] == []


def test_default_path_is_catalogues_of_the_root() -> None:
    result = run_cli("validate", "--ignore", "R8", cwd=ROOT / "powerctl")  # the example records plant R8xx
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查了" in result.stdout


def test_json_output_contract(tmp_path: Path) -> None:
    path = tmp_path / "unit-a.yaml"
    path.write_text(MINIMAL.format(uid="unit-a"), encoding="utf-8")
    result = run_cli("validate", str(path), "-f", "json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert list(doc) == ["version", "findings", "summary"]
    assert doc["version"] == 1
    assert list(doc["summary"]) == ["files", "powers", "error", "warning", "info"]
    assert doc["summary"]["files"] == 1 and doc["summary"]["powers"] == 1
    by_rule = {f["rule"]: f for f in doc["findings"]}
    b101 = by_rule["B101"]
    assert list(b101) == FINDING_KEYS
    assert (b101["line"], b101["column"], b101["pointer"]) == (19, 12, "/powers/0/basis")
    assert (b101["unit"], b101["power"], b101["severity"], b101["name"]) == (
        "unit-a",
        "XK-001",
        "error",
        "no-legal-basis",
    )
    assert "F201" in by_rule  # no flow at all
    assert doc["summary"]["error"] == sum(1 for f in doc["findings"] if f["severity"] == "error")


def _write(tmp_path: Path, text: str, uid: str = "unit-a") -> Path:
    path = tmp_path / f"{uid}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_select_ignore_and_fail_on(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.format(uid="unit-a"))
    only_b = findings(run_cli("validate", str(path), "-f", "json", "--select", "B"))
    assert {f["rule"] for f in only_b} == {"B101"}
    result = run_cli("validate", str(path), "-f", "json", "--ignore", "B101,F201")
    assert result.returncode == 0 and findings(result) == []
    bad = run_cli("validate", str(path), "--select", "Z999")
    assert bad.returncode == 2 and "Z999" in bad.stderr


def test_warning_only_exits_by_fail_on(tmp_path: Path) -> None:
    text = (CATALOGUES / "hunan/loudi/lengshuijiang/lsj-cgj.yaml").read_text(encoding="utf-8")
    # Rename one power to another's name: a warning (N602) and nothing else.
    data_names = [line for line in text.splitlines() if line.startswith("    name: ")]
    assert len(data_names) >= 2
    text = text.replace(data_names[1], data_names[0].replace("    name: ", "    name: ", 1), 1)
    path = tmp_path / "lsj-cgj.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(path), "-f", "json")
    assert {f["rule"] for f in findings(result)} == {"N602"}
    assert result.returncode == 0
    assert run_cli("validate", str(path), "--fail-on", "warning").returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "does-not-exist"],
        ["validate", "catalogues", "--today", "2026-13-40"],
        ["validate", "catalogues", "-f", "xml"],
        ["rules", "Z999"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_config_error_exits_2_with_position(tmp_path: Path) -> None:
    (tmp_path / ".powerctl.yaml").write_text("rules:\n  B101: loud\n", encoding="utf-8")
    _write(tmp_path, MINIMAL.format(uid="unit-a"))
    result = run_cli("validate", "unit-a.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert ".powerctl.yaml:2:" in result.stderr


def test_config_levels_and_path_ignores(tmp_path: Path) -> None:
    (tmp_path / ".powerctl.yaml").write_text(
        "rules:\n  B101: warning\nignore:\n  - paths: ['legacy/**']\n    rules: [F201]\n", encoding="utf-8"
    )
    (tmp_path / "legacy").mkdir()
    _write(tmp_path / "legacy", MINIMAL.format(uid="unit-a"))
    result = run_cli("validate", "legacy", "-f", "json", cwd=tmp_path)
    items = findings(result)
    assert {(f["rule"], f["severity"]) for f in items} == {("B101", "warning")}
    assert result.returncode == 0


def test_inline_suppression(tmp_path: Path) -> None:
    text = MINIMAL.format(uid="unit-a").replace(
        "    basis: []\n", "    # powerctl: disable=B101 -- 依据待法制办确认\n    basis: []\n"
    )
    items = findings(run_cli("validate", str(_write(tmp_path, text)), "-f", "json"))
    assert "B101" not in {f["rule"] for f in items}
    assert "S901" not in {f["rule"] for f in items}


@pytest.mark.parametrize(
    ("args", "config", "unused"),
    [
        ((), "", True),  # B101 ran and said nothing there: the directive is unused
        (("--ignore", "B101"), "", False),  # B101 did not run: nothing is known of the directive
        (("--select", "F,S"), "", False),
        (("--select", "B1,S"), "", True),
        ((), "rules:\n  B101: off\n", False),
        ((), "ignore:\n  - paths: ['**']\n    rules: [B101]\n", False),
    ],
)
def test_a_suppression_is_unused_only_where_its_rule_ran(
    tmp_path: Path, args: tuple[str, ...], config: str, unused: bool
) -> None:
    """S901 speaks only on evidence: the rule ran on the file and found nothing at the directive."""
    (tmp_path / ".powerctl.yaml").write_text(config or "{}\n", encoding="utf-8")
    text = MINIMAL.format(uid="unit-a").replace("    name: ", "    # powerctl: disable=B101 -- 待核实\n    name: ", 1)
    path = _write(tmp_path, text)
    items = findings(run_cli("validate", str(path), "-f", "json", *args, cwd=tmp_path))
    assert any(f["rule"] == "S901" and "B101" in f["message"] for f in items) == unused, items


def test_rule_crash_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from powerctl.cli.app import app
    from powerctl.rules import RuleSpec

    def boom(unit: Any, ctx: Any) -> Any:
        raise RuntimeError("boom")

    spec = REGISTRY["B101"]
    monkeypatch.setitem(REGISTRY, "B101", RuleSpec(spec.code, spec.name, spec.severity, spec.summary, spec.doc, boom))
    path = _write(tmp_path, MINIMAL.format(uid="unit-a"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "B101" in result.output


def test_rules_command_lists_and_documents() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0
    for code in REGISTRY:
        assert code in listing.stdout
    one = run_cli("rules", "F204")
    assert one.returncode == 0 and "## 错误示例" in one.stdout and "## 正确示例" in one.stdout


def test_console_script_and_module_agree() -> None:
    import subprocess
    import sys

    # The script installed beside this interpreter (CI runs .venv/bin/python without .venv/bin on PATH).
    beside = Path(sys.executable).with_name("powerctl")
    exe = str(beside) if beside.is_file() else shutil.which("powerctl")
    if exe is None:
        pytest.skip("powerctl console script not installed beside this Python nor on PATH")

    out = subprocess.run([exe, "rules"], capture_output=True, text=True, check=False, timeout=60)
    assert out.returncode == 0 and out.stdout == run_cli("rules").stdout


def test_text_output_has_positions_and_hints(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.format(uid="unit-a"))
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:19:12 B101 错误" in result.stdout
    assert "提示：" in result.stdout


def test_fast_help_is_what_typer_prints() -> None:
    import typer.main
    from click.testing import CliRunner as ClickRunner

    from powerctl.cli.app import app
    from powerctl.cli.fast import top_help

    result = ClickRunner().invoke(typer.main.get_command(app), ["--help"], prog_name="powerctl")
    assert result.exit_code == 0
    assert result.output == top_help()
    fast = run_cli("--help")
    assert fast.returncode == 0 and fast.stdout == top_help()
    assert run_cli().stdout == top_help()


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    expected = f"powerctl {version('powerctl')}\n"
    for flag in ("--version", "-V"):
        shown = run_cli(flag)
        assert shown.returncode == 0 and shown.stdout == expected and not shown.stderr
    # typer answers it too when other words follow (`powerctl --version validate`), the same way
    later = run_cli("--version", "validate")
    assert later.returncode == 0 and later.stdout == expected


def test_fast_paths_do_not_import_typer() -> None:
    code = (
        "import sys\nfrom powerctl.cli.fast import answer as _fast\n"
        "for argv in ([], ['--help'], ['--version'], ['-V'], ['rules'], ['rules', 'B101'], ['rules', 'nope']):\n"
        "    assert _fast(argv) is not None\n"
        "assert _fast(['rules', '--help']) is None and _fast(['validate']) is None\n"
        "heavy = ['typer', 'click', 'powerctl.catalogue.model', 'powerctl.source.load', 'yaml']\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_doctor_names_what_is_missing_and_exits_1(tmp_path: Path) -> None:
    """With no Graphviz, fontconfig or git on PATH, doctor says what each is for, how to install it, and exits 1;
    on this machine (where the tests draw flowcharts) it exits 0 and names the Graphviz version."""
    here = run_cli("doctor", cwd=tmp_path)
    assert here.returncode == 0, here.stdout + here.stderr
    assert "Graphviz" in here.stdout and "流程图绘制方式" in here.stdout
    empty = tmp_path / "bin"
    empty.mkdir()
    bare = run_cli("doctor", cwd=tmp_path, env={**os.environ, "PATH": str(empty)})
    assert bare.returncode == 1, bare.stdout + bare.stderr
    assert "✗ Graphviz" in bare.stdout and "sudo apt-get install graphviz" in bare.stdout
    assert "缺少" in bare.stdout and "git" in bare.stdout.rsplit("缺少", 1)[1]


def test_help_and_usage_errors_are_in_chinese() -> None:
    """Click's and typer's own words (headings, usage errors) are translated like every other message."""
    shown = run_cli("fix", "--help")
    assert shown.returncode == 0 and "用法：" in shown.stdout and "显示本帮助并退出。" in shown.stdout
    missing = run_cli("import")
    assert missing.returncode == 2 and "错误：缺少参数" in missing.stderr
    unknown = run_cli("validate", "--bogus")
    assert unknown.returncode == 2 and "没有选项：--bogus" in unknown.stderr
    for out in (shown.stdout, missing.stderr, unknown.stderr):
        for english in ("Usage:", "Show this message", "Error:", "Missing argument", "No such option", "Try '"):
            assert english not in out, (english, out)
