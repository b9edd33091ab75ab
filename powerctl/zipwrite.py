"""Reproducible zip archives.

The bundle's archive (一盘) holds a unit's text files (HTML, SVG, YAML, JSON) deflated, and its PNG, PDF,
DOCX and XLSX stored. Deflate is zlib's: ISA-L's (used here before, several times faster) now and then chose
other matches for the same bytes, so that a rebuilt bundle differed from the last one in one compressed
entry (seen in 1 of 27 identical builds; intel/isa-l#140). Entries keep the order given, a fixed time (1980-01-01, the
earliest a zip can say) and mode 0644, so the same files give the same archive. Names are UTF-8 (flag bit
11), as the file names are Chinese. An archive beyond the classic format's limits (4 GB, 65,535 entries)
is left to `zipfile`, which writes Zip64.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

_LEVEL = 6  # zlib's default
_TIME, _DATE = 0, (0 << 9) | (1 << 5) | 1  # 00:00:00, 1980-01-01 in MS-DOS format
_UTF8 = 0x0800
_VERSION = 20  # 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # Unix, so the mode below is read
_MODE = 0o100644 << 16
_LIMIT = 0xFFFFFFFF


def write(target: Path, entries: Sequence[tuple[str, bytes, bool]]) -> tuple[int, str]:
    """Write the archive of `entries` (name, data, deflate?) to `target`; its size and SHA-256."""
    total = sum(len(data) for _, data, _ in entries)
    if len(entries) >= 0xFFFF or total >= _LIMIT:
        with target.open("wb") as out:
            _write_zip64(out, entries)
        data = target.read_bytes()
        return len(data), hashlib.sha256(data).hexdigest()
    parts = _parts(entries)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for part in parts:
            out.write(part)
            digest.update(part)
    return sum(map(len, parts)), digest.hexdigest()


def archive(entries: Sequence[tuple[str, bytes, bool]]) -> bytes:
    """The archive of `entries` as bytes (an Office package: DOCX, XLSX)."""
    total = sum(len(data) for _, data, _ in entries)
    if len(entries) >= 0xFFFF or total >= _LIMIT:
        out = io.BytesIO()
        _write_zip64(out, entries)
        return out.getvalue()
    return b"".join(_parts(entries))


def repack(package: bytes) -> bytes:
    """A zip package (as a library saved it) again, entries in the same order, with fixed times and modes."""
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        return archive([(info.filename, src.read(info), True) for info in src.infolist()])


def _parts(entries: Sequence[tuple[str, bytes, bool]]) -> list[bytes]:
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, deflate in entries:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8
        crc = zlib.crc32(data)
        body = zlib.compress(data, _LEVEL, wbits=-15) if deflate else data
        method = 8 if deflate else 0
        if deflate and len(body) >= len(data):  # incompressible: stored, as zipfile would not bother either
            body, method = data, 0
        fields = (_VERSION, flags, method, _TIME, _DATE, crc, len(body), len(data), len(encoded))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, *fields, 0, 0, 0, 0, _MODE, offset) + encoded
        )
        local.append(header)
        local.append(body)
        offset += len(header) + len(body)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return [*local, directory, end]


def _write_zip64(out: BinaryIO, entries: Sequence[tuple[str, bytes, bool]]) -> None:
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.external_attr = _MODE
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            zf.writestr(info, data)
