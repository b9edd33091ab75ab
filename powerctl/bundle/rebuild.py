"""Whether a unit's previous bundle is still current, so that `bundle` rebuilds only the units that changed.

A unit's bundle is a function of its catalogue file, the audience, the change notes and the toolchain:
powerctl's code, templates and schemas, every installed Python distribution, the native libraries that draw
(cairo, Graphviz and what they load), the installed fonts,
the repository's config and local laws, the law index, and the day (law status is checked on it). All of
it is hashed into one key (`toolchain`, then `unit_key`). After a build, a record in the cache folder
($XDG_CACHE_HOME/powerctl/bundles/) keeps the key and every file the build put in the unit's folder (size,
modification time, inode, change time). A later bundle with the same key that finds the folder exactly as it was
left keeps it, bringing only the manifest's source commit up to date: every file whose change time is no longer
the recorded one (written since, or its time put back) is read and compared with the manifest's SHA-256; a
file whose change time is the same has not been written since (the kernel sets it on every write; no tool
puts it back), and is not read again. Anything else rebuilds the unit: another
input, a file touched, added, removed or replaced, a record missing or unreadable, a system where the
toolchain cannot be read (then nothing is reused).

A unit built again still reuses what was drawn: the record keeps, for each flowchart, the merged PDF and the
table PDF, the key of what it was drawn from (the DOT text or the page, and the drawing chain: everything
above but the config, the laws and the day, which reach a drawing only through its text). A drawing whose
key is the same and whose files are as the build left them is linked into the new bundle (`Previous`), not
drawn again: one power changed redraws one flowchart, and the next day (another date to check laws on) no
flowchart is drawn and no table printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hashlib import _Hash

    from powerctl.laws.resolve import LawResolver

from powerctl.catalogue.config import Config
from powerctl.resources import TEMPLATES
from powerctl.store.cache import code_fingerprint
from powerctl.store.folders import bundle_records_dir

RECORD_VERSION = 4  # 2: drawn files keep the key they were made from (`derived`); 3: the manifest's SHA-256;
# 4: each file's change time (ctime), so that a file not changed since is not read again
RACY_NS = 2_000_000_000  # a change time this close to the record's time is not trusted (coarse file system clocks)
# The libraries that draw, loaded here so that /proc/self/maps names them and everything they pull in.
_NATIVE = ("libcairo.so.2", "libgvc.so.6", "libpangocairo-1.0.so.0", "libfontconfig.so.1")
_ENV = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "SOURCE_DATE_EPOCH", "LANG", "LC_ALL", "LANGUAGE")
# Programs run where the libraries are missing or fail (found on PATH: the path itself is not the key).
_TOOLS = ("dot", "rsvg-convert", "fc-match", "fc-list")


def _stat(path: Path) -> str:
    st = path.stat()
    return f"{path}|{st.st_size}|{st.st_mtime_ns}"


_MAPS = """
import ctypes, sys
for name in sys.argv[1:]:
    try:
        ctypes.CDLL(name)
    except OSError:
        pass
with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
    fields = [line.split(None, 5) for line in maps]
print("\\n".join(sorted({f[5].strip() for f in fields if len(f) == 6})))
"""


def _native() -> list[str]:
    """The drawing libraries and every library they pull in, as a fresh interpreter maps them after loading
    them (Linux): this process's own map depends on what it happened to import."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _MAPS, *_NATIVE], capture_output=True, text=True, timeout=60, check=True
    )
    paths = {Path(line) for line in done.stdout.splitlines() if line.startswith("/") and ".so" in line}
    return sorted(_stat(p) for p in paths if p.is_file())


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _fonts() -> list[str]:
    """The installed fonts fontconfig knows and its configuration files (each file's size and time)."""
    files = {Path(line) for line in _run("fc-list", "-f", "%{file}\n").splitlines() if line.startswith("/")}
    for line in _run("fc-conflist").splitlines():  # "+ /etc/fonts/conf.d/...: description" (+ active)
        if line.startswith("+ /"):
            files.add(Path(line[2:].split(": ", 1)[0]))
    return sorted(_stat(p) for p in files if p.is_file())


def _tools() -> list[str]:
    found = (shutil.which(name) for name in _TOOLS)
    return [_stat(Path(path).resolve()) if path else "none" for path in found]


def _hasher(title: str) -> tuple[_Hash, Callable[..., None]]:
    h = hashlib.sha256(f"powerctl bundle record {RECORD_VERSION} {title}".encode())

    def add(*parts: object) -> None:
        for part in parts:
            h.update(str(part).encode("utf-8", "surrogateescape") + b"\0")

    return h, add


def drawing_chain() -> str | None:
    """The key of what turns a drawing's input (a flowchart's DOT, the table's HTML) into its files: powerctl's
    code and templates, the installed distributions, the native libraries, the fonts, the tools and
    the environment. None where it cannot be read."""
    h, add = _hasher("drawing")
    try:
        add(code_fingerprint())
        for path in sorted(p for p in TEMPLATES.rglob("*") if p.is_file()):
            add(path.relative_to(TEMPLATES).as_posix())
            h.update(path.read_bytes())
        # The installed ones only: the working directory and a script's folder are on sys.path too.
        installed = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
        add(*sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions(path=installed)))
        add(*_native(), *_fonts(), *_tools())
        add(*(f"{name}={os.environ.get(name)}" for name in _ENV))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return h.hexdigest()


def toolchain(config: Config, laws: LawResolver, drawing: str | None = None) -> str | None:
    """The key of everything but the unit's own file, from what this run actually read: the config's text
    as parsed, the law resolver's identity (local law texts as read, the index, the day) and the drawing
    chain (`drawing`: `drawing_chain()`, if already known); None where it cannot be read (nothing is reused)."""
    drawing = drawing or drawing_chain()
    if drawing is None:
        return None
    h, add = _hasher("unit")
    add(drawing, config.root, config.file, laws.identity())
    h.update(config.text.encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def derivation(drawing: str, kind: str, *inputs: str) -> str:
    """The key of one drawn file (or set of files) of a unit: the drawing chain and what was drawn."""
    h = hashlib.sha256()
    for part in (drawing, kind, *inputs):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def unit_key(chain: str, audience: str, file: str, text: str, notes: str | None, operation: str | None = None) -> str:
    """What a unit's bundle is made from: the tools, the audience, its file, its change notes and (internal)
    its records counted."""
    h = hashlib.sha256()
    for part in (
        chain,
        audience,
        file,
        text,
        "\0" if notes is None else notes,
        "\0" if operation is None else operation,
    ):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def county_key(chain: str, audience: str, unit_keys: list[str | None]) -> str | None:
    """What the county folder is made from: the units' bundles' keys, in the run's order (None where one of
    them cannot be told: then it is built every time)."""
    if any(k is None for k in unit_keys):
        return None
    h = hashlib.sha256()
    for part in (chain, audience, "county", *[k for k in unit_keys if k is not None]):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def _record_path(out: Path, unit: str) -> Path:
    """Kept in the cache folder, so that the output folder holds nothing but the bundles."""
    where = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return bundle_records_dir() / where / f"{unit}.json"


def snapshot(folder: Path) -> dict[str, list[int]]:
    """Every file under the folder: size, modification time and inode (a rename of the folder keeps all three),
    and its change time (ctime: the kernel sets it on every write, and no tool can put it back)."""
    files = {}
    for path in folder.rglob("*"):
        st = path.lstat()
        if path.is_file() or path.is_symlink():
            files[path.relative_to(folder).as_posix()] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    return files


def _same(now: list[int], then: Any) -> bool:
    """Size, modification time and inode as recorded (the change time is compared apart)."""
    return isinstance(then, list) and now[:3] == then[:3]


def record(
    out: Path,
    unit: str,
    key: str,
    files: dict[str, list[int]],
    derived: dict[str, str] | None = None,
    manifest: str = "",
) -> None:
    """Remember that `out/<unit>/` is the bundle of `key` with these files, the SHA-256 of its manifest.json
    (`manifest`), and the key (`derivation`) each drawn file was made from. The snapshot is taken by the
    build itself (of its stage folder, before the rename), never of whatever is in `out/<unit>/` now:
    another bundle into the same folder may have put its own files there in between."""
    path = _record_path(out, unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": RECORD_VERSION,
        "key": key,
        "files": files,
        "derived": derived or {},
        "manifest": manifest,
        "written": time.time_ns(),  # a file changed less than `RACY_NS` before this may have changed since unseen
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def _recorded(out: Path, unit: str) -> dict[str, Any] | None:
    try:
        recorded: Any = json.loads(_record_path(out, unit).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("version") != RECORD_VERSION:
        return None
    if not isinstance(recorded.get("files"), dict) or not isinstance(recorded.get("derived", {}), dict):
        return None
    if not isinstance(recorded.get("manifest"), str):
        return None
    return recorded


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def altered_message(unit: str, rel: str) -> str:
    """What `bundle` says of a file of a unit's previous bundle that is not what its manifest says."""
    return (
        f"注意：单位 {unit} 的成果包中「{rel}」在上次生成后被改动过（与 manifest.json 记录的大小或 SHA-256 不符），"
        "已重新生成"
    )


def _manifest_files(folder: Path, digest: str) -> dict[str, tuple[int, str, str | None]] | None:
    """The files manifest.json of the folder lists (size, SHA-256, drawing path), if the manifest is the one
    recorded (its SHA-256 is `digest`); else None."""
    path = folder / "manifest.json"
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        files = {}
        for entry in json.loads(data.decode("utf-8"))["files"]:
            size, sha, drawn = entry["bytes"], entry["sha256"], entry.get("drawn_by")
            if isinstance(entry["path"], str) and isinstance(size, int) and isinstance(sha, str):
                files[entry["path"]] = (size, sha, drawn if isinstance(drawn, str) else None)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return files


def altered(folder: Path, digest: str, unchanged: frozenset[str] = frozenset()) -> str | None:
    """The first file of the folder that is not what its manifest says (size and SHA-256; the manifest
    itself against `digest`, its recorded SHA-256); None when every file is. A file in `unchanged` (its change
    time the one recorded when it was made: not written since) is not read again."""
    listed = _manifest_files(folder, digest)
    if listed is None:
        return "manifest.json"
    for rel in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()):
        if rel == "manifest.json" or (rel in unchanged and rel in listed):
            continue
        known = listed.get(rel)
        try:
            path = folder / rel
            if known is None or path.stat().st_size != known[0] or sha256(path) != known[1]:
                return rel
        except OSError:
            return rel
    return None


def current(
    out: Path, unit: str, key: str, say: Callable[[str], None] | None = None
) -> tuple[dict[str, list[int]], dict[str, str]] | None:
    """The recorded files of `out/<unit>/` if it is the bundle of `key`, untouched since (its files as the
    record has them, and as the manifest says: size and SHA-256), and the keys its drawn files were made
    from; else None. A file altered in place (its time put back) is named to `say`."""
    recorded = _recorded(out, unit)
    if recorded is None or recorded.get("key") != key:
        return None
    files: dict[str, list[int]] = recorded["files"]
    try:
        now = snapshot(out / unit)
    except OSError:
        return None
    if not files or now.keys() != files.keys() or not all(_same(now[rel], files[rel]) for rel in now):
        return None
    # A file whose change time is the one recorded has not been written since it was made (a write, or a time put
    # back with touch, sets it anew): only the others are read and compared with the manifest's SHA-256.
    # A change time within `RACY_NS` of the record does not tell: a write in the same tick of the file system's clock
    # (a second on some) would leave it as it was.
    written = recorded.get("written")
    trusted = written - RACY_NS if isinstance(written, int) else -1
    unchanged = frozenset(rel for rel, st in now.items() if len(files[rel]) > 3 and st[3] == files[rel][3] < trusted)
    bad = altered(out / unit, recorded["manifest"], unchanged)
    if bad is not None:
        if say is not None:
            say(altered_message(unit, bad))
        return None
    return files, dict(recorded.get("derived") or {})


class Previous:
    """The drawn files of the unit's previous bundle, to be linked into a new one where their key is the same
    and the file is as the build left it (size, time, inode) and as its manifest says (size, SHA-256)."""

    def __init__(self, out: Path, unit: str) -> None:
        recorded = _recorded(out, unit) or {"files": {}, "derived": {}, "manifest": ""}
        self.unit = unit
        self.folder = out / unit
        self._files: dict[str, Any] = recorded["files"]
        self._derived: dict[str, Any] = recorded.get("derived") or {}
        self._manifest: str = recorded["manifest"]
        self._digests: dict[str, tuple[int, str, str | None]] | None = None
        self.notes: list[str] = []  # files found altered (`altered_message`)

    def digest(self, rel: str) -> tuple[int, str, str | None] | None:
        """The size, SHA-256 and drawing path the previous manifest gives for a file of the folder, if the
        manifest is the one the build left (its recorded SHA-256)."""
        if self._digests is None:
            self._digests = _manifest_files(self.folder, self._manifest) or {}
        return self._digests.get(rel)

    def link(self, name: str, key: str, rels: list[str], stage: Path) -> bool:
        """Link `rels` (paths in the unit's folder) of the drawing `name` into `stage`, all or none; whether
        they were. A file is linked only when its size and SHA-256 are the manifest's (an altered one is drawn
        again, and named in `notes`). A file linked is never written again (it is the previous bundle's too)."""
        if self._derived.get(name) != key:
            return False
        done: list[Path] = []
        try:
            for rel in rels:
                source = self.folder / rel
                st = source.lstat()
                if not _same([st.st_size, st.st_mtime_ns, st.st_ino], self._files.get(rel)) or not source.is_file():
                    raise FileNotFoundError(rel)
                known = self.digest(rel)
                if known is None or known[0] != st.st_size or sha256(source) != known[1]:
                    message = altered_message(self.unit, rel)
                    if message not in self.notes:
                        self.notes.append(message)
                    raise FileNotFoundError(rel)
                target = stage / rel
                os.link(source, target)
                done.append(target)
        except OSError:
            for target in done:
                target.unlink(missing_ok=True)
            return False
        return True
