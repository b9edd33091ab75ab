"""Answer a repeated `powerctl validate` from its last output when nothing it depends on has changed.

A validate run records what it printed and its exit code, with the modification time and size of
everything the result depends on: the catalogue files and every folder walked to find them (a new
file changes its folder's time), the config file and the folders where one could appear, the local
law files, the law index, powerctl's own code and schemas, and the installed packages' folder. The
record is keyed by the command line, the working directory, the day, the terminal and the few
environment variables that change the output. The next identical command checks those stamps with
`stat` only — no reading, no parsing, no typer — and replays the output, the way make, ruff and mypy
trust modification times. Anything changed, missing or unreadable falls through to a normal run
(which still has the content-hashed caches of `powerctl.cache`). `--no-cache` skips both.

Kept light on purpose: only the standard library, imported by the entry point before anything else.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import date

RACY_NS = 2_000_000_000
_ENV = ("XDG_CACHE_HOME", "GITHUB_ACTIONS", "NO_COLOR", "POWERCTL_DEBUG")
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "powerctl", "quick")


def eligible(argv: Sequence[str]) -> bool:
    """Only plain validate runs: not --no-cache, not --base (git state), not -o (files to write)."""
    if argv[:1] != ["validate"]:
        return False
    for arg in argv[1:]:
        name = arg.split("=", 1)[0]
        if name in ("--no-cache", "--base", "-o", "--output", "-h", "--help") or (arg.startswith("-o") and arg != "-o"):
            return False
    return True


def _key(argv: Sequence[str]) -> str:
    parts = [
        list(argv),
        os.getcwd(),
        [os.environ.get(name) for name in _ENV],
        sys.stdout.isatty(),
        date.today().isoformat(),
        sys.version,
        sys.executable,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _code_paths() -> list[str]:
    paths = []
    for dirpath, dirnames, filenames in os.walk(_PACKAGE):  # the schemas and templates are inside it
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        paths.append(dirpath)
        paths.extend(os.path.join(dirpath, n) for n in sorted(filenames) if not n.endswith(".pyc"))
    paths.extend(p for p in sys.path if p.endswith("site-packages"))  # installs and upgrades touch it
    return paths


def _ancestors(path: str) -> list[str]:
    path = os.path.abspath(path)
    out = [path]
    while os.path.dirname(path) != path:
        path = os.path.dirname(path)
        out.append(path)
    return out


def lookup(argv: Sequence[str]) -> tuple[str, int] | None:
    """The recorded output and exit code, if every recorded stamp still holds."""
    try:
        with open(os.path.join(_folder(), _key(argv) + ".json"), encoding="utf-8") as fh:
            record = json.load(fh)
        for path, stamp in record["stamps"]:
            if _stamp(path) != stamp:
                return None
        return str(record["stdout"]), int(record["code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(argv: Sequence[str], stdout: str, code: int, files: Iterable[str], folders: Iterable[str]) -> None:
    """Remember this run's output; best effort (a cache that cannot be written is simply not used)."""
    inputs = [(os.path.abspath(p), _stamp(p)) for p in dict.fromkeys([*files, *folders])]
    # Racy stamps: an input changed within the last seconds could change again within the clock's
    # granularity and keep its stamp, so such a run is not recorded (as git does with racy entries).
    recent = time.time_ns() - RACY_NS
    if any(stamp is not None and stamp[0] >= recent for _, stamp in inputs):
        return
    context = [*_ancestors(os.getcwd()), *_code_paths()]  # where a config could appear; the code itself
    stamps = [*inputs, *((os.path.abspath(p), _stamp(p)) for p in dict.fromkeys(context))]
    data = json.dumps({"argv": list(argv), "stamps": stamps, "stdout": stdout, "code": code}, ensure_ascii=False)
    import tempfile  # here, not at the top: the replay path does not write

    folder = _folder()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(folder, _key(argv) + ".json"))
    except OSError:
        return


def walked(targets: Sequence[str], skip: Iterable[str]) -> list[str]:
    """Every folder a discovery of these targets looks into (the same hidden and skipped ones left out)."""
    skipped = set(skip)
    out = []
    for target in targets:
        if os.path.isdir(target):
            for dirpath, dirnames, _files in os.walk(target):
                dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in skipped]
                out.append(dirpath)
        else:
            out.append(os.path.dirname(os.path.abspath(target)))
    return out
