"""The bundle's archive (一盘) and manifest.json: every file with its kind, power, size, SHA-256 and, for a
drawn file, the path that drew it (`drawing.paths`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from powerctl.bundle.folders import GENERATOR, owner
from powerctl.documents import archive

VERSION = 1
# Already compressed: deflating them again costs about a second per unit and saves a few per cent.
_STORED = frozenset({".png", ".pdf", ".docx", ".xlsx", ".zip"})
_KINDS = {
    "一表": "table",
    "一图": "flowchart",
    "一件": "basis",
    "site": "site",
    "源数据": "source",
    "清理情况统计.docx": "report",
}


def _kind(rel: str) -> str:
    return _KINDS.get(rel.split("/", 1)[0], "other")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_archive(stage: Path, target: Path, known: Mapping[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """A reproducible zip of the stage: sorted entries, fixed times and permissions. Returns each entry's size
    and SHA-256, and the archive's: from the bytes already read, or `known` (files linked from the previous
    bundle, whose manifest gave them)."""
    files = sorted(p for p in stage.rglob("*") if p.is_file() and p != target)
    sums: dict[str, tuple[int, str]] = {}
    entries: list[tuple[str, bytes, bool]] = []
    for path in files:
        rel = path.relative_to(stage).as_posix()
        data = path.read_bytes()
        given = known.get(rel)
        sums[rel] = given if given is not None and given[0] == len(data) else (len(data), _sha256(data))
        entries.append((rel, data, path.suffix not in _STORED))
    sums[target.relative_to(stage).as_posix()] = archive.write(target, entries)
    return sums


def write_manifest(
    stage: Path,
    head: Mapping[str, Any],
    ids: set[str],
    sums: dict[str, tuple[int, str]],
    drawn_by: Mapping[str, str],
) -> None:
    """manifest.json: `head` (unit, audience, source commit) and every file of the stage."""
    files = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = path.relative_to(stage).as_posix()
        if rel not in sums:
            data = path.read_bytes()
            sums[rel] = (len(data), _sha256(data))
        size, digest = sums[rel]
        kind = "archive" if rel.endswith(".zip") and "/" not in rel else _kind(rel)
        stem = Path(rel).stem
        entry: dict[str, Any] = {
            "path": rel,
            "kind": kind,
            "power": stem if kind in ("flowchart", "site") and stem in ids else None,
            "bytes": size,
            "sha256": digest,
        }
        if rel in drawn_by:
            entry["drawn_by"] = drawn_by[rel]
        files.append(entry)
    manifest = {"version": VERSION, "generator": GENERATOR, **head, "files": files}
    (stage / "manifest.json").write_text(_text(manifest), encoding="utf-8")


def _text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def restamp(folder: Path, source_commit: str | None) -> tuple[list[int], str] | None:
    """Bring a kept bundle's manifest to this build's source commit (the only part that names the commit);
    the new manifest's size, time and inode, and its SHA-256, if it changed."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("source_commit") == source_commit:
        return None
    manifest["source_commit"] = source_commit
    partial = folder.parent / f".{folder.name}.manifest-{owner()}"
    text = _text(manifest).encode("utf-8")
    partial.write_bytes(text)
    st = partial.stat()
    partial.replace(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns], _sha256(text)
