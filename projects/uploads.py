"""Attachment files: checked by extension, size and content (magic bytes), stored under
var/uploads/projects/ with a random name, read back only through the scoped download view
(security.md: uploads; ASVS 5.2, 5.3).

Accepted: PDF, Word (.docx), Excel (.xlsx), JPEG and PNG, up to 20 MB. The content must be what
the extension says: a PDF starts with `%PDF-`, PNG and JPEG with their signatures, and a .docx or
.xlsx is a zip archive holding `[Content_Types].xml` and `word/` or `xl/` parts — neither an
encrypted Office file (OLE), a macro workbook, nor anything with a `..` member name."""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = [
    "MAX_BYTES",
    "TYPES",
    "StoredFile",
    "UploadRejected",
    "check_upload",
    "open_stored",
    "remove_stored",
    "store_upload",
]

MAX_BYTES = 20 * 1024 * 1024
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
_ZIP_MEMBERS_MAX = 2000
_ZIP_RATIO_MAX = 200  # uncompressed / compressed, a zip bomb beyond it


class UploadRejected(ValueError):
    """The file is refused; the message says why in plain words."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    file_type: str
    size: int
    sha256: str


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "projects"


def _zip_kind(fh) -> str | None:
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MEMBERS_MAX:
                return None
            names = {i.filename for i in infos}
            if any(".." in n.split("/") or n.startswith("/") for n in names):
                return None
            packed = sum(i.compress_size for i in infos) or 1
            if sum(i.file_size for i in infos) > _ZIP_RATIO_MAX * packed + 1024 * 1024:
                return None
            if "[Content_Types].xml" not in names:
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _sniff(head: bytes, fh) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        fh.seek(0)
        return _zip_kind(fh)
    return None


def check_upload(uploaded) -> str:
    """The file type ("pdf", "docx", …) of an uploaded file, or UploadRejected."""
    name = uploaded.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    wanted = _EXTENSIONS.get(ext)
    if wanted is None:
        raise UploadRejected(
            _("{name}: only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG files are accepted.").format(
                name=name
            )
        )
    if uploaded.size > MAX_BYTES:
        raise UploadRejected(
            _("{name}: the file is {size} MB; at most 20 MB is accepted.").format(
                name=name, size=f"{uploaded.size / 1024 / 1024:.1f}"
            )
        )
    if uploaded.size == 0:
        raise UploadRejected(_("{name}: the file is empty.").format(name=name))
    uploaded.seek(0)
    head = uploaded.read(16)
    found = _sniff(head, uploaded)
    uploaded.seek(0)
    if found != wanted:
        raise UploadRejected(
            _("{name}: the content is not a {kind} file (it may be renamed, encrypted or damaged).").format(
                name=name, kind=wanted.upper()
            )
        )
    return wanted


def store_upload(uploaded) -> StoredFile:
    """Check, then write the file under a random name; returns what the row keeps."""
    file_type = check_upload(uploaded)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{file_type}"
    digest = hashlib.sha256()
    size = 0
    with open(folder / stored, "xb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return StoredFile(stored, file_type, size, digest.hexdigest())


def open_stored(stored_name: str):
    path = _folder() / Path(stored_name).name  # never a path from outside the folder
    return open(path, "rb")  # noqa: SIM115 (FileResponse closes it)


def remove_stored(stored_name: str) -> None:
    (_folder() / Path(stored_name).name).unlink(missing_ok=True)
