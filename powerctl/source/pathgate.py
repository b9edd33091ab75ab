"""The one gate for every file or folder name made from data: unit, power and step ids, names, `--unit`.

A name made from a catalogue, an office's file or a command-line id becomes one path component under a folder
powerctl writes into. `component` refuses what could leave that folder or mean something else to a file
system: an empty name, a separator (/ or \\), `.` and `..`, NUL and other control characters, a Windows device
name (CON, NUL, COM1 …, with or without an extension), a name ending in a dot or a space (Windows drops them),
and a name too long for a file system (255 bytes of UTF-8). `inside` joins a checked name to its folder and
makes sure the result stays there, also through a symlink already in the folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_BYTES = 255  # a component's length on ext4, XFS, NTFS (in UTF-16 units there, never more than this)
_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)


class UnsafeName(ValueError):
    """A name that cannot be a file or folder name under an output folder; the message says why, in Chinese."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"「{shown(name)}」不能用作文件或文件夹名：{reason}")
        self.name = name
        self.reason = reason


def shown(name: str, limit: int = 60) -> str:
    """The name as it may be printed: control and invisible characters as \\u escapes, cut to ``limit``."""
    out = []
    for ch in name[:limit]:
        cat = unicodedata.category(ch)
        out.append(f"\\u{ord(ch):04x}" if cat in ("Cc", "Cf", "Zl", "Zp") or (cat == "Zs" and ch != " ") else ch)
    return "".join(out) + ("…" if len(name) > limit else "")


def problem(name: str) -> str | None:
    """Why ``name`` is refused as one path component, or None when it is safe."""
    if not name:
        return "名称为空"
    if "/" in name or "\\" in name:
        return "含有路径分隔符（/ 或 \\），只能是一个名称，不能是路径"
    if name in (".", ".."):
        return "“.”和“..”表示当前或上一级文件夹"
    for ch in name:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            return f"含有控制字符或不可见字符 U+{ord(ch):04X}"
    if ":" in name:
        return "含有冒号（:），在 Windows 上表示盘符或数据流"
    if _DEVICES.match(name):
        return "是 Windows 的设备名（如 CON、NUL、COM1），在 Windows 上不能作文件名"
    if name.endswith((".", " ")):
        return "以句点或空格结尾，在 Windows 上会被去掉"
    if name.startswith("-"):
        return "以连字符“-”开头，在命令行上会被当作选项"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return f"太长（超过 {MAX_BYTES} 字节）"
    return None


def component(name: str) -> str:
    """``name`` itself when it is safe as one path component; UnsafeName otherwise."""
    reason = problem(name)
    if reason is not None:
        raise UnsafeName(name, reason)
    return name


def inside(folder: Path, *names: str) -> Path:
    """``folder / name / …`` for checked names, refused (UnsafeName) if it would resolve outside ``folder``."""
    path = folder
    for name in names:
        path = path / component(name)
    base = folder.resolve()
    real = path.resolve()
    if real != base and base not in real.parents:
        raise UnsafeName("/".join(names), f"指向输出文件夹之外（{real}）")
    return path
