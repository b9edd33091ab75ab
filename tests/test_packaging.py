"""powerctl as users get it: the built wheel in a new virtualenv, no checkout on sys.path, used the way the
scaffold's CI and pre-commit hook use it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft4Validator

import powerctl
from tests.conftest import ROOT
from tests.test_workflow import SARIF_SCHEMA

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to build and scaffold")


def _clean_env(**extra: str) -> dict[str, str]:
    """The user's environment: no PYTHONPATH, no virtualenv of the test run, caches of their own."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "POWERCTL_DEBUG")}
    return {**env, **extra}


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_tests_run_the_installed_powerctl() -> None:
    """scripts/bootstrap installs the built wheel; the tests must exercise it, not the checkout's source
    (set POWERCTL_TEST_SOURCE=1 to run them against an editable install on purpose)."""
    where = Path(powerctl.__file__).resolve()
    if os.environ.get("POWERCTL_TEST_SOURCE") != "1":
        assert not where.is_relative_to(ROOT / "powerctl"), f"powerctl imported from the checkout: {where}"
        assert "site-packages" in where.parts


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A wheel and an sdist built from the checkout, the wheel installed into a new virtualenv: its bin/
    folder, and the environment to run it in."""
    work = tmp_path_factory.mktemp("wheel")
    env = _clean_env(XDG_CACHE_HOME=str(work / "cache"), PYTHONSAFEPATH="1")
    built = _run(sys.executable, "-m", "build", "--outdir", work / "dist", ROOT, cwd=work, env=env)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list((work / "dist").glob("powerctl-*.whl"))
    assert len(wheels) == 1 and list((work / "dist").glob("powerctl-*.tar.gz"))
    with zipfile.ZipFile(wheels[0]) as zf:
        names = set(zf.namelist())
    for needed in (
        "powerctl/schemas/catalogue.schema.json",
        "powerctl/templates/site/index.html",
        "powerctl/templates/init/.github/workflows/powerctl.yml",
        "powerctl/templates/init/catalogues/example/lsj-zjj.yaml",
        "powerctl/laws/builtin.yaml",
    ):
        assert needed in names, needed
    target = work / "venv"
    venv.create(target, with_pip=True)
    pip = _run(target / "bin" / "python", "-m", "pip", "install", "-q", wheels[0], cwd=work, env=env)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return target / "bin", env


def test_the_wheel_scaffolds_validates_draws_and_bundles(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    powerctl_cmd = bin_dir / "powerctl"
    where = _run(bin_dir / "python", "-c", "import powerctl; print(powerctl.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout + where.stderr

    made = _run(powerctl_cmd, "init", "repo", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    repo = tmp_path / "repo"
    assert (repo / ".git").is_dir() and "git init" in made.stdout
    head = _run("git", "symbolic-ref", "HEAD", cwd=repo, env=env)
    assert head.stdout.strip() == "refs/heads/main"
    written = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git/" not in str(p))
    scaffold = {"schemas/catalogue.schema.json", ".powerctl.yaml", ".github/workflows/powerctl.yml", ".gitignore"}
    assert scaffold <= set(written)
    workflow = yaml.safe_load((repo / ".github/workflows/powerctl.yml").read_text(encoding="utf-8"))
    assert "@POWERCTL_PIP@" not in json.dumps(workflow, ensure_ascii=False)
    assert "POWERCTL_PIP" in made.stdout  # a wheel from a local file: the office is told to fill it in

    # The example unit is marked: it is not published until it has been made the office's own.
    refused = _run(powerctl_cmd, "bundle", "-o", "dist", cwd=repo, env=env)
    assert refused.returncode == 1 and "sample: true" in refused.stderr and not (repo / "dist").exists()
    example = repo / "catalogues/example/lsj-zjj.yaml"
    text = example.read_text(encoding="utf-8")
    example.write_text("".join(line for line in text.splitlines(True) if "sample: true" not in line), encoding="utf-8")
    for args in (["validate"], ["render", "-o", "out"], ["bundle", "-o", "dist"]):
        done = _run(powerctl_cmd, *args, cwd=repo, env=env)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    assert list((repo / "out").rglob("*.svg")) and list((repo / "out").rglob("*.png"))
    assert list((repo / "dist" / "public").rglob("权力清单.xlsx")) and list((repo / "dist").rglob("*.zip"))

    doctor = _run(powerctl_cmd, "doctor", cwd=repo, env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    version = _run("dot", "-V", cwd=repo, env=env).stderr.split("version", 1)[1].split()[0]
    assert "Graphviz" in doctor.stdout and version in doctor.stdout

    # the GitHub workflow's validate step
    sarif = _run(powerctl_cmd, "validate", "-f", "github", "-o", "sarif=powerctl.sarif", cwd=repo, env=env)
    assert sarif.returncode == 0, sarif.stdout + sarif.stderr
    doc = json.loads((repo / "powerctl.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0" and doc["runs"][0]["tool"]["driver"]["name"] == "powerctl"
    if SARIF_SCHEMA.is_file():  # fetched by scripts/bootstrap; test_workflow says so when it is not
        errors = list(Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).iter_errors(doc))
        assert not errors, errors[0].message


def test_init_refuses_when_the_scaffold_is_missing(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """An installation without its templates writes nothing and says so (exit 2), never "0 个文件" and 0."""
    bin_dir, env = installed
    packages = tmp_path / "site"  # a copy of the installed package, without its scaffold, first on sys.path
    shutil.copytree(next(bin_dir.parent.glob("lib/python*/site-packages/powerctl")), packages / "powerctl")
    shutil.rmtree(packages / "powerctl" / "templates" / "init")
    code = "import sys; sys.argv = ['powerctl', 'init', 'repo']; from powerctl.cli import main; main()"
    done = _run(bin_dir / "python", "-c", code, cwd=tmp_path, env={**env, "PYTHONPATH": str(packages)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "安装不完整" in done.stderr and not (tmp_path / "repo").exists()


def test_the_pre_commit_hook_installs_and_passes(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """`pre-commit try-repo <checkout> powerctl-validate` in a scaffolded repository: pre-commit installs
    powerctl from the checkout by itself (`language: python`) and the example unit passes."""
    bin_dir, env = installed
    assert _run(bin_dir / "powerctl", "init", "repo", cwd=tmp_path, env=env).returncode == 0
    repo = tmp_path / "repo"
    git_env = {**env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    git_env |= {"GIT_COMMITTER_EMAIL": "t@x", "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    assert _run("git", "add", "-A", cwd=repo, env=git_env).returncode == 0
    pre_commit = Path(sys.executable).with_name("pre-commit")
    tried = _run(pre_commit, "try-repo", ROOT, "powerctl-validate", "--all-files", cwd=repo, env=git_env, timeout=900)
    assert tried.returncode == 0, tried.stdout[-3000:] + tried.stderr[-3000:]
    assert "powerctl validate" in tried.stdout and "Passed" in tried.stdout


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"url": "https://git.example.org/x/powerctl.git", "vcs_info": {"vcs": "git", "commit_id": "ab12"}},
            "git+https://git.example.org/x/powerctl.git@ab12",
        ),
        ({"url": "https://mirror.example.org/powerctl-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "file:///home/u/powerctl-0.1.0-py3-none-any.whl", "archive_info": {}}, ""),
        ({"url": "file:///home/u/powerctl", "dir_info": {"editable": True}}, ""),
        ({"url": "https://hg.example.org/powerctl", "vcs_info": {"vcs": "hg", "commit_id": "1"}}, ""),
        ("not json", ""),
    ],
)
def test_init_names_where_ci_installs_powerctl_from(
    monkeypatch: pytest.MonkeyPatch, record: object, expected: str | None
) -> None:
    """PEP 610's direct_url.json: a git commit or a web address is what CI can install; a local path is not."""
    from importlib import metadata

    from powerctl.cli import init

    class Dist:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return record if isinstance(record, str) else json.dumps(record)

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    url = record["url"] if isinstance(record, dict) else ""
    assert init.install_source() == (url if expected is None else expected)
