"""The bundle's archives (`powerctl.documents.archive`, by `zipfile`): readable by zipfile and unzip, reproducible."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

from powerctl.documents import archive as zipwrite


def _entries() -> list[tuple[str, bytes, bool]]:
    text = ("行政许可 流程图\n" * 500).encode("utf-8")
    return [
        ("manifest.json", b'{"a": 1}\n', True),
        ("一图/XK-001.svg", text, True),
        ("一图/XK-001.png", bytes(range(256)) * 40, False),
        ("源数据/empty.yaml", b"", True),
        ("random.bin", b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(100)), True),  # incompressible
    ]


def test_archive_reads_back_with_fixed_times_and_modes(tmp_path: Path) -> None:
    target = tmp_path / "a.zip"
    size, sha = zipwrite.write(target, _entries())
    assert (size, sha) == (target.stat().st_size, hashlib.sha256(target.read_bytes()).hexdigest())
    assert zipwrite.archive(_entries()) == target.read_bytes()
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == [name for name, _, _ in _entries()]
        for (name, data, _), info in zip(_entries(), zf.infolist(), strict=True):
            assert zf.read(name) == data
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
        methods = {info.filename: info.compress_type for info in zf.infolist()}
        assert methods["一图/XK-001.svg"] == zipfile.ZIP_DEFLATED and methods["一图/XK-001.png"] == zipfile.ZIP_STORED
        assert zf.getinfo("一图/XK-001.svg").compress_size < 2000
    again = tmp_path / "b.zip"
    zipwrite.write(again, _entries())
    assert target.read_bytes() == again.read_bytes()
    if shutil.which("unzip"):
        proc = subprocess.run(["unzip", "-t", str(target)], capture_output=True, text=True)
        assert proc.returncode == 0 and "No errors detected" in proc.stdout, proc.stdout + proc.stderr


def test_repack_keeps_entries_and_order_with_fixed_stamps() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:  # as a library saves a package: times of now
        for name, data, _ in _entries():
            zf.writestr(name, data)
    again = zipwrite.repack(buffer.getvalue())
    assert again == zipwrite.archive([(name, data, True) for name, data, _ in _entries()])
    with zipfile.ZipFile(io.BytesIO(again)) as zf:
        assert zf.namelist() == [name for name, _, _ in _entries()]
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_entries_are_deflated_by_zlib_so_a_rebuild_is_the_same_file() -> None:
    """ISA-L's deflate (used before) now and then chose other matches for the same bytes, depending on the
    process's earlier work, so a rebuilt bundle differed in one entry. zlib's stream is a function of the
    bytes and the level alone: each deflated entry must be exactly that stream."""
    entries = _entries()
    with zipfile.ZipFile(io.BytesIO(zipwrite.archive(entries))) as z:
        for info, (name, data, deflate) in zip(z.infolist(), entries, strict=True):
            if info.compress_type != zipfile.ZIP_DEFLATED:
                continue
            assert deflate
            raw = z.fp.getbuffer()[info.header_offset :] if hasattr(z.fp, "getbuffer") else b""
            header = 30 + len(info.filename.encode("utf-8")) + len(info.extra)
            assert bytes(raw[header : header + info.compress_size]) == zlib.compress(data, 6, wbits=-15), name
