"""Reproducible zip archives, written by the standard library's `zipfile`.

The bundle's archive (一盘) holds a unit's text files (HTML, SVG, YAML, JSON) deflated and its PNG, PDF,
DOCX and XLSX stored; an Office package (DOCX, XLSX) as a library saved it is written again the same way.
Entries keep the order given, a fixed time (1980-01-01, the earliest a zip can say) and mode 0644, and are
deflated by zlib at its default level, so the same files give the same archive. Names are UTF-8 (`zipfile`
sets flag bit 11 for a name that is not ASCII), as the file names are Chinese; beyond the classic format's
limits (4 GB, 65,535 entries) `zipfile` writes Zip64.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

_TIME = (1980, 1, 1, 0, 0, 0)
_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_UNIX = 3  # "made by" Unix, so that the mode above is read
_LEVEL = 6  # zlib's default

Entry = tuple[str, bytes, bool]  # name, data, deflate?


def _write(out: BinaryIO, entries: Sequence[Entry]) -> None:
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, _TIME)
            info.create_system = _UNIX
            info.external_attr = _MODE
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            zf.writestr(info, data, compresslevel=_LEVEL if deflate else None)


def write(target: Path, entries: Sequence[Entry]) -> tuple[int, str]:
    """Write the archive of `entries` to `target` (straight to the file: a bundle's archive is tens of MB);
    its size and SHA-256."""
    with target.open("wb") as out:
        _write(out, entries)
    with target.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return target.stat().st_size, digest


def archive(entries: Sequence[Entry]) -> bytes:
    """The archive of `entries` as bytes."""
    out = io.BytesIO()
    _write(out, entries)
    return out.getvalue()


def repack(package: bytes) -> bytes:
    """A zip package (as a library saved it) again, entries in the same order, with fixed times and modes."""
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        return archive([(info.filename, src.read(info), True) for info in src.infolist()])


def workbook_bytes(book: Workbook, title: str, when: datetime) -> bytes:
    """An openpyxl workbook as a reproducible XLSX: its times fixed to `when` (not `Workbook.save`, which stamps
    the current time as the modified date), written stored, then repacked."""
    book.properties.creator = "powerctl"
    book.properties.title = title
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as package:
        ExcelWriter(book, package).save()
    return repack(buffer.getvalue())
