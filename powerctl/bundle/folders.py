"""The folders a bundle is built in, and which folders of the output are ours.

A unit's (or the county's) bundle is built in a stage folder inside a work folder
``out/.<name>.building-<pid>-<token>/`` that holds a marker (`MARK`) saying it is powerctl's; at the end the
stage is renamed into place and the previous bundle, moved into the work folder first, goes with it. What a
killed build left is removed by the next one, but only a work folder with our marker (and only when the
process it is named after is gone).

An output folder is ours only when it is missing, empty, or a bundle powerctl wrote: its manifest.json is ours
(`is_manifest`) and every file in the folder is one the manifest lists. Anything else is refused (`Foreign`),
naming what in it is not ours; nothing powerctl did not write is ever removed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

GENERATOR = "powerctl"  # manifest.json's "generator": the explicit mark of a bundle folder of ours
MARK = "powerctl-stage.json"  # in a work folder: the explicit mark of a stage of ours
_STAGE = "stage"  # the stage inside the work folder
_OLD = "old"  # the previous bundle, moved aside into the work folder while the stage is renamed into place
_SHOWN = 5  # names listed in a refusal

_built_for: int | None = None  # in a worker process (`work_for_parent`): the bundle process it works for


class Foreign(Exception):
    """An output folder powerctl did not write (or that holds files it did not write): left as it is. The
    message names the folder and what in it is not ours."""


def work_for_parent() -> None:
    """Called in a worker process that builds units: its stage folders are named after the bundle process."""
    global _built_for
    _built_for = os.getppid() if multiprocessing.parent_process() is not None else None  # else: this process


def owner() -> int:
    """The process a stage folder is named after: the bundle command's, also when a worker builds the unit.
    When that process is gone (killed), its workers are too (the pool's worker initializer), and the next
    bundle removes what it left; a worker itself, killed, may linger a while as a zombie."""
    return _built_for if _built_for is not None else os.getpid()


def _alive(pid: str) -> bool:
    """Whether the process that made a stage folder still runs (another bundle into the same folder)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_manifest(data: Any) -> bool:
    """Whether parsed manifest.json is one powerctl wrote: marked (`GENERATOR`), or of the shape every
    manifest before the mark had (version 1; unit and audience, or county; every file with path, kind,
    bytes and sha256)."""
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return False
    marked = data.get("generator") == GENERATOR
    shaped = data.get("version") == 1 and (("unit" in data and "audience" in data) or "county" in data)
    if not (marked or shaped):
        return False
    return all(
        isinstance(f, dict)
        and isinstance(f.get("path"), str)
        and isinstance(f.get("kind"), str)
        and isinstance(f.get("bytes"), int)
        and isinstance(f.get("sha256"), str)
        for f in data["files"]
    )


def listed(folder: Path) -> dict[str, tuple[int, str]] | None:
    """The files manifest.json of the folder lists (path → size, SHA-256), if it is a manifest of ours."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not is_manifest(data):
        return None
    return {f["path"]: (f["bytes"], f["sha256"]) for f in data["files"]}


def _names(items: list[str]) -> str:
    shown = "、".join(f"「{name}」" for name in items[:_SHOWN])
    return shown + (f" 等 {len(items)} 项" if len(items) > _SHOWN else "")


def foreign(folder: Path) -> str | None:
    """Why the folder is not ours to replace (a Chinese sentence naming it and what is not ours), or None when
    it is missing, empty, or a bundle of ours with nothing added."""
    if not folder.exists() and not folder.is_symlink():
        return None
    if folder.is_symlink() or not folder.is_dir():
        return f"「{folder}」已存在，但不是文件夹（是文件或链接），不是 powerctl 生成的成果包"
    entries = sorted(folder.rglob("*"))
    if not entries:
        return None
    files = listed(folder)
    if files is None:
        names = sorted(p.relative_to(folder).as_posix() for p in folder.iterdir())
        return f"「{folder}」不是 powerctl 生成的成果包（没有 powerctl 的 manifest.json），其中有{_names(names)}"
    extra = []
    for path in entries:  # a folder is judged by what is in it (an empty one, such as 一图/, holds nothing)
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink() or (not path.is_dir() and rel not in files and rel != "manifest.json"):
            extra.append(rel)
    if extra:
        return f"成果包文件夹「{folder}」中有不是 powerctl 生成的内容：{_names(extra)}（manifest.json 中没有）"
    return None


def refuse_foreign(folder: Path) -> None:
    """Foreign, with what to do, when the folder is not ours to replace."""
    why = foreign(folder)
    if why is not None:
        raise Foreign(f"{why}。\n未删除、未改动其中任何文件。请换一个输出目录（-o），或先把这些文件移走、再运行")


def _is_work(folder: Path, name: str) -> bool:
    """Whether a `.<name>.building-*` folder is a work folder of ours (its marker says so, and it holds
    nothing but the marker, the stage and a previous bundle of ours)."""
    try:
        mark = json.loads((folder / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(mark, dict) or mark.get("generator") != GENERATOR or mark.get("name") != name:
        return False
    if folder.is_symlink() or any(p.name not in (MARK, _STAGE, _OLD) for p in folder.iterdir()):
        return False
    return foreign(folder / _OLD) is None


def clear_leftovers(out: Path, name: str) -> None:
    """The work folders and manifests left by a build of this unit (or the county) that was killed (its
    process is gone), when they are ours; those of a build still running, and anything else, are left alone."""
    for left in out.glob(f".{name}.building-*"):
        if not _alive(left.name.split("building-", 1)[1].split("-", 1)[0]) and _is_work(left, name):
            shutil.rmtree(left, ignore_errors=True)
    for left in out.glob(f".{name}.manifest-*"):
        if _alive(left.name.split("manifest-", 1)[1]) or left.is_symlink() or not left.is_file():
            continue
        try:
            ours = is_manifest(json.loads(left.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if ours:
            with suppress(OSError):
                left.unlink()


def make_stage(out: Path, name: str) -> Path:
    """A new stage folder for the bundle `name` (a unit id or the county folder's name), in a work folder of
    ours marked as such."""
    work = out / f".{name}.building-{owner()}-{secrets.token_hex(4)}"
    work.mkdir()  # with the umask's permissions (mkdtemp's 0700 would hide the published folder)
    (work / MARK).write_text(json.dumps({"generator": GENERATOR, "name": name}) + "\n", encoding="utf-8")
    stage = work / _STAGE
    stage.mkdir()
    return stage


def discard(stage: Path) -> None:
    """A failed build's stage removed, with its work folder."""
    shutil.rmtree(stage.parent, ignore_errors=True)


def publish(stage: Path, target: Path) -> None:
    """The stage folder renamed into place; the previous bundle, if any (and only if it is ours: else
    Foreign, nothing moved), moved aside into the work folder first and removed with it."""
    refuse_foreign(target)
    work = stage.parent
    if target.exists() or target.is_symlink():
        target.rename(work / _OLD)
    stage.rename(target)
    shutil.rmtree(work, ignore_errors=True)
