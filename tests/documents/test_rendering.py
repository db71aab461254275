"""Generated documents read back: the PDF (pypdf's text extraction) and the DOCX (python-docx) say what the case says,
in Chinese, on A4 pages with page numbers and embedded fonts."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from hub.documents.kinds import GENERATED, KINDS, CaseFacts, Filled, RecordingRef
from hub.documents.models import DocumentKind
from hub.documents.service import render
from hub.documents.uploads import docx_text

FACTS = CaseFacts(
    case_number="XS2026-0000042",
    subject_name="王建国",
    subject_gender="男",
    subject_birth_date="1975年3月8日",
    subject_post="副局长",
    subject_unit="旗交通运输局",
    party_member=True,
    summary="反映其在工程招标中收受礼金。",
)
FINGERPRINT = "3f2a 9b1c 0d4e 5f60 7182 93a4 b5c6 d7e8 f901 1223 3445 5667 7889 9aab bccd deef"
RECORDING = RecordingRef("第7号谈话录音录像", "2026-11-27 09:00:00", "2026-11-27 10:30:00", (FINGERPRINT,))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_interview_record_pdf_and_docx_carry_the_case_the_subject_and_the_recording_fingerprint():
    fields = {
        "started": "2026-11-27 09:00", "ended": "2026-11-27 10:30", "place": "锡尼镇谈话室",
        "interviewers": "李明、赵刚", "recorder": "孙丽", "interviewee": "",
        "content": "问：你是否收受过礼金？\n答：我收受过承包商送的礼金两万元。",
    }  # fmt: skip
    filled = Filled(FACTS, fields, "旗纪谈〔2026〕1号", "2026年11月27日", RECORDING)
    rendered = render(KINDS[DocumentKind.INTERVIEW_RECORD], filled)

    text = squeeze(pdf_text(rendered.pdf))
    for expected in ("谈话笔录", "XS2026-0000042", "王建国", "旗纪谈〔2026〕1号", "我收受过承包商送的礼金两万元", "第1页"):
        assert expected in text, expected
    assert squeeze(FINGERPRINT) in text

    reader = PdfReader(io.BytesIO(rendered.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    cid_fonts = [f["/DescendantFonts"][0].get_object() for f in fonts if "/DescendantFonts" in f]
    descriptors = [c["/FontDescriptor"] for c in cid_fonts]
    assert descriptors, "CID fonts are used"
    assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors), "fonts are embedded"
    assert any("CJK" in str(f["/BaseFont"]) for f in fonts), "a CJK font is used (fonts-noto-cjk)"

    document = docx.Document(io.BytesIO(rendered.docx))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    words = docx_text(rendered.docx)
    for expected in ("谈话笔录", "XS2026-0000042", "王建国", FINGERPRINT, "锡尼镇谈话室"):
        assert expected in words, expected
    assert "XS2026-0000042" in rendered.text and FINGERPRINT in rendered.text


@pytest.mark.parametrize("kind", [k.kind for k in GENERATED if k.kind is not DocumentKind.INTERVIEW_RECORD])
def test_every_standard_document_prints_its_title_the_subject_and_its_fields(kind):
    spec = KINDS[kind]
    fields = {f.name: f"{f.printed}：经查属实的内容{i}" for i, f in enumerate(spec.fields)}
    rendered = render(spec, Filled(FACTS, fields, spec.number(2026, 3), "2026年11月27日"))
    text = squeeze(pdf_text(rendered.pdf))
    assert squeeze(spec.printed_title) in text
    assert "王建国" in text and "XS2026-0000042" in text and spec.number(2026, 3) in text
    for i, _f in enumerate(spec.fields):
        assert f"经查属实的内容{i}" in text
    assert f"经查属实的内容{len(spec.fields) - 1}" in docx_text(rendered.docx)


def test_a_long_document_numbers_its_pages():
    spec = KINDS[DocumentKind.TRIAL_REPORT]
    long = "\n".join(f"第{i}项事实：该同志违规接受管理和服务对象宴请。" for i in range(200))
    rendered = render(
        spec, Filled(FACTS, {"facts": long, "opinion": "给予党内严重警告处分"}, "旗纪审理〔2026〕1号", "2026年11月27日")
    )
    reader = PdfReader(io.BytesIO(rendered.pdf))
    n = len(reader.pages)
    assert n >= 3
    assert f"第{n}页共{n}页" in squeeze(reader.pages[-1].extract_text() or "")
