"""A rendered .docx turned into PDF through LibreOffice, when it is installed.

LibreOffice is the only converter that lays out Word files faithfully here, and it also
refreshes the PAGE/NUMPAGES fields that python-docx cannot compute.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bidkit.errors import RenderError

TIMEOUT_SECONDS = 180


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(docx: Path, outdir: Path) -> Path:
    """Convert one .docx into outdir; returns the PDF's path."""
    binary = libreoffice()
    if binary is None:
        raise RenderError("LibreOffice is not installed, so no PDF can be made; render to .docx, or "
                          "install it (Debian: apt-get install libreoffice-writer fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="bidkit-lo-") as profile:
        # A private profile: a second LibreOffice (or the user's own) would otherwise block this one.
        command = [binary, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(outdir), str(docx)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise RenderError(f"LibreOffice took over {TIMEOUT_SECONDS} s to convert {docx.name}") from None
    pdf = outdir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise RenderError(f"LibreOffice could not convert {docx.name}: {done.stderr.strip() or done.stdout.strip()}")
    return pdf


def pdf_bytes(docx_data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="bidkit-pdf-") as tmp:
        docx = Path(tmp) / "chapter.docx"
        docx.write_bytes(docx_data)
        return docx_to_pdf(docx, Path(tmp)).read_bytes()
