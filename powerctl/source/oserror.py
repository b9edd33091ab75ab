"""An operating system's refusal (read-only folder, full disk, a file where a folder should be …) in words a
clerk understands, naming the path: what every command prints before it exits with 2."""

from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: "没有权限（请检查文件夹的读写权限）",
    errno.EPERM: "操作不被允许（请检查文件夹的读写权限）",
    errno.EROFS: "所在的磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.ENOENT: "不存在",
    errno.ENOTDIR: "路径中有一部分是文件，不是文件夹",
    errno.EISDIR: "是一个文件夹，不是文件",
    errno.EEXIST: "已经存在",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.ENAMETOOLONG: "名称太长",
    errno.ELOOP: "符号链接层数太多（可能是循环链接）",
    errno.EMFILE: "同时打开的文件太多",
    errno.EIO: "磁盘读写出错",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EBUSY: "正被其他程序使用",
}


def reason(exc: OSError) -> str:
    """Why the system refused, in Chinese."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or type(exc).__name__


def describe(exc: OSError) -> str:
    """One line: the path (both paths of a rename) and the reason."""
    paths = [p for p in (exc.filename, exc.filename2) if p is not None]
    where = " → ".join(f"「{p if isinstance(p, str) else repr(p)}」" for p in paths)
    return f"无法读写 {where}：{reason(exc)}" if where else f"文件读写失败：{reason(exc)}"
