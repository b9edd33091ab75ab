"""Every word a bundle file carries, for the tests that look for what must not be there: plain text, the XML
parts inside xlsx/docx/zip (nested packages opened too), the text layer of a PDF (pdftotext)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _package_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [f"{info.filename}\n" for info in zf.infolist()]
        for info in zf.infolist():
            parts.append(_text(info.filename, zf.read(info)))
    return "".join(parts)


def _text(name: str, data: bytes) -> str:
    if name.endswith((".xlsx", ".docx", ".zip")):
        return _package_text(data)
    if name.endswith(".pdf"):
        return pdf_text(data)
    return data.decode("utf-8", "ignore")


def texts(path: Path) -> str:
    """The text of the file at `path`, its name included."""
    return path.name + "\n" + _text(path.name, path.read_bytes())
