"""What an uploaded file is, judged by its content (never by its name or the browser's word): PDF, DOCX, PNG, JPEG,
TIFF (scans), with a size limit and a guard against zip bombs; and the text in it, for search.

Everything here reads the bytes: call ``inspect`` in a thread.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from hub.errors import Invalid
from hub.i18n import N_

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# a DOCX is a zip: refuse one that unpacks to more than this, or compresses better than any real document
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000
MAX_TEXT_CHARS = 1_000_000

PDF, DOCX, PNG, JPEG, TIFF = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/png",
    "image/jpeg",
    "image/tiff",
)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", PNG: "png", JPEG: "jpg", TIFF: "tif"}


@dataclass(frozen=True)
class Inspected:
    media_type: str
    text: str


def _refuse(code: str, message: str) -> Invalid:
    return Invalid(code, message, fields={"file": message})


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if data.startswith(b"PK\x03\x04"):
        return DOCX  # checked as one below: any other zip is refused there
    raise _refuse("bad_type", N_("This kind of file is not accepted: upload a PDF, a DOCX or an image (PNG, JPEG, TIFF)."))


def _check_docx(data: bytes) -> None:
    not_docx = _refuse("bad_type", N_("This file is not a Word document (DOCX)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_docx from None
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise not_docx
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise _refuse("zip_bomb", N_("This file unpacks to far more than it holds; it is refused."))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages[:500])[:MAX_TEXT_CHARS]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise _refuse("bad_pdf", N_("This PDF could not be read.")) from None


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def inspect(data: bytes) -> Inspected:
    """The file's type and text, or ``Invalid`` saying why it is refused."""
    if not data:
        raise _refuse("empty_file", N_("Choose a file to upload."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("too_large", N_("This file is too large (at most 20 MB)."))
    media_type = sniff(data)
    if media_type == PDF:
        return Inspected(PDF, _pdf_text(data))
    if media_type == DOCX:
        _check_docx(data)
        try:
            return Inspected(DOCX, docx_text(data))
        except Exception:  # python-docx raises many kinds for a broken document; all mean "cannot read"
            raise _refuse("bad_type", N_("This file is not a Word document (DOCX).")) from None
    return Inspected(media_type, "")
