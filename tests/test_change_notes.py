"""变更说明 for people: diff and bundle --previous say old → new as the 一表 shows them, with the reason."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from tests.conftest import CATALOGUES, run_cli

ZHADU = "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu.yaml"
XXC = "catalogues/hunan/loudi/lengshuijiang/lsj-zhadu-xxc.yaml"
REASON = "依据条款更正，承诺时限压缩一天"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def changed(tmp_path: Path) -> Path:
    """The shipped catalogues committed, then: one article replaced, a promised time cut, a step's days cut,
    and the change recorded with its reason."""
    repo = tmp_path / "repo"
    shutil.copytree(CATALOGUES, repo / "catalogues")
    (repo / ".powerctl.yaml").write_text("{}\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    path = repo / ZHADU
    text = path.read_text(encoding="utf-8")
    edits = [
        (
            "time_limit: {statutory: 20, promised: 15, unit: 工作日}",
            "time_limit: {statutory: 20, promised: 14, unit: 工作日}",
        ),
        ("article: 第三十四条\n", "article: 第三十五条\n"),
        ("changes:\n", f"changes:\n  - {{date: 2026-11-30, items: [XK-001], kind: 调整, reason: {REASON}}}\n"),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    xxc = repo / XXC
    lines = xxc.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if "name: 公开交易" in line)
    days = next(i for i in range(at, at + 6) if lines[i].strip() == "days: 20")
    lines[days] = lines[days].replace("days: 20", "days: 15")
    xxc.write_text("\n".join(lines), encoding="utf-8")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "v2")
    return repo


def test_diff_says_old_and_new_as_the_table_shows_them(changed: Path) -> None:
    done = run_cli("diff", "HEAD~1", "HEAD", cwd=changed)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "修改职权 XK-001 农村村民宅基地审批" in out
    assert "删去 《中华人民共和国土地管理法实施条例》第三十四条（实施依据）" in out
    assert "增加 《中华人民共和国土地管理法实施条例》第三十五条（实施依据）" in out
    assert "承诺时限：15 个工作日 → 14 个工作日" in out
    assert "步骤「公开交易」的环节时限：20 个自然日 → 15 个自然日" in out
    assert f"变更理由：{REASON}（2026-11-30）" in out
    assert '"law"' not in out and "{" not in out  # never JSON
    md = run_cli("diff", "HEAD~1", "HEAD", "-f", "markdown", cwd=changed).stdout
    assert (
        f"| 431381-XK-2001 | 农村村民宅基地审批 | 修改：承诺时限 | 15 个工作日 | 14 个工作日 | {REASON} | 2026-11-30 |"
        in md
    )


def test_bundle_previous_writes_a_change_table_in_word_and_html(changed: Path, tmp_path: Path) -> None:
    out = tmp_path / "成果"
    done = run_cli("bundle", "-o", str(out), "--audience", "public", "--previous", "HEAD~1", cwd=changed, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    folder = out / "lsj-zhadu"
    table = docx.Document(str(folder / "变更说明.docx")).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["事项编码", "职权名称", "变更类型", "原内容", "新内容", "变更理由", "变更日期"]
    assert [
        "431381-XK-2001",
        "农村村民宅基地审批",
        "修改：承诺时限",
        "15 个工作日",
        "14 个工作日",
        REASON,
        "2026-11-30",
    ] in rows
    page = (folder / "变更说明.html").read_text(encoding="utf-8")
    assert "14 个工作日" in page and REASON in page
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice is installed by scripts/bootstrap: the DOCX is opened as a user would"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(folder / "变更说明.docx")],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "变更说明.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "权力清单变更说明" in text and "14 个工作日" in text and "压缩一天" in text
