"""Uploads are judged by their content: a spoofed type, an oversize file and a zip bomb are refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from hub.documents import uploads
from hub.errors import Invalid

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da636460f85f0f0005fe02fe0dcb3b9f0000000049454e44ae426082"
)


def real_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(Invalid) as caught:
        uploads.inspect(data)
    return caught.value.code


def test_images_and_documents_are_recognised_by_content():
    assert uploads.inspect(PNG).media_type == uploads.PNG
    assert uploads.inspect(b"\xff\xd8\xff\xe0" + b"\x00" * 100).media_type == uploads.JPEG
    found = uploads.inspect(real_docx("被反映人承认收受礼金"))
    assert found.media_type == uploads.DOCX and "承认收受礼金" in found.text


def test_a_spoofed_type_is_refused():
    assert refused(b"<html><script>alert(1)</script></html>") == "bad_type"  # named report.pdf by its sender
    assert refused(b"MZ\x90\x00" + b"\x00" * 64) == "bad_type"  # a Windows program
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "not a document")
    assert refused(plain_zip.getvalue()) == "bad_type"  # a zip that is no DOCX
    assert refused(b"%PDF-1.7\n garbage that is no PDF") == "bad_pdf"


def test_an_oversize_file_is_refused():
    assert refused(b"%PDF-" + b"0" * uploads.MAX_UPLOAD_BYTES) == "too_large"
    assert refused(b"") == "empty_file"


def test_a_zip_bomb_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (30 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 1024 * 1024  # 30 MB unpacked from a few tens of KB
    assert refused(data) == "zip_bomb"
