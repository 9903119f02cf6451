"""PDF rendering of a .docx where LibreOffice is installed (`soffice --headless --convert-to pdf`).
Optional: without LibreOffice the site offers the .docx and .xlsx only."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfUnavailable", "docx_to_pdf", "soffice"]

TIMEOUT = 180


class PdfUnavailable(Exception):
    """LibreOffice is absent or failed; the message says which."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: int = TIMEOUT) -> bytes:
    binary = soffice()
    if binary is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="kc-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(data)
        # A profile of its own: concurrent conversions must not share (and lock) one.
        profile = Path(tmp) / "profile"
        try:
            result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
                [
                    binary,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"LibreOffice failed: {exc}") from exc
        out = Path(tmp) / "document.pdf"
        if result.returncode != 0 or not out.is_file():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[:300]
            raise PdfUnavailable(f"LibreOffice could not convert the document: {detail}")
        return out.read_bytes()
