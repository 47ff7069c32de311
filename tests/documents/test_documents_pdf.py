"""The form, slip and receipt read back: every field in the text, fonts embedded, codes scannable."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from kiosk.documents import fonts, values
from kiosk.documents.form import render_form
from kiosk.documents.receipt import (
    Review,
    render_receipt,
    render_receipt_raster,
    working_days_after,
)
from kiosk.documents.sample import sample_application
from kiosk.documents.slip import render_slip, render_slip_raster
from kiosk.domain import clock, codes, idnumber
from kiosk.domain.rules import SERVICES

MM = 72 / 25.4


def text_of(pdf: bytes) -> str:
    """All page text with white space removed (line breaks fall anywhere in wrapped cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def pdffonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def pages_png(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Image.Image]:
    path = tmp_path / "render.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True
    )
    return [Image.open(p) for p in sorted(tmp_path.glob("page-*.png"))]


def assert_fonts_embedded(pdf: bytes, tmp_path: Path) -> None:
    rows = pdffonts(pdf, tmp_path)
    assert rows, "no fonts at all"
    for row in rows:
        assert row[-5] == "yes", f"font not embedded: {row}"  # emb column
        assert "Helvetica" not in row[0]


@pytest.mark.parametrize("service", SERVICES)
def test_form_carries_every_field(service: str, tmp_path: Path) -> None:
    app = sample_application(service)
    pdf = render_form(app)
    text = text_of(pdf)
    card = app.applicant
    expected = [
        "深圳市居住证补办/换领/变更更正信息申请表",
        app.application_number,
        card.name,
        values.sex(card.sex),
        values.ethnic(card.ethnic_group),
        values.date_zh(card.birth_date),
        card.id_number,
        card.address or "",
        card.authority or "",
        values.id_validity(app),
        values.address(app.residence),
        app.phone,
        "本机采集号",  # the sample's photo number was made by the kiosk
        app.photo_number,
        app.permit.number,
        values.date_zh(app.permit.expires),
        *app.condition_details.values(),
        *(
            v
            for r in app.relatives
            for v in (r.name, values.labelled("relationships", r.relation), r.id_number)
        ),
        *(
            v
            for c in app.changes
            for v in (values.labelled("change_items", c.item), c.old, c.new, c.reason)
        ),
        "受理人",
        "审核意见",
        "申请人签名",
        values.point_name(app.acceptance_point),
    ]
    if service == "renewal":
        expected.append(values.date_zh(app.new_expiry))
    for value in expected:
        assert squash(value) in text, f"{value!r} missing from the {service} form"
    # the ticked service, condition (where the journey asks it) and (for replacement) reason
    assert "√" + values.service(service) in text
    if service in ("replacement", "exchange"):
        assert "√" + codes.condition(app.condition).zh[:6] in text
    if service == "replacement":
        assert "√遗失" in text
    assert_fonts_embedded(pdf, tmp_path)


def test_form_page_renders_with_barcode_photo_and_signature(tmp_path: Path) -> None:
    app = sample_application("change")
    pages = pages_png(render_form(app), tmp_path, dpi=200)
    assert len(pages) == 1
    page = pages[0]
    assert page.size == (1654, 2339)  # A4 at 200 dpi
    found = zxingcpp.read_barcodes(page)
    assert app.application_number in [
        b.text for b in found if b.format == zxingcpp.BarcodeFormat.Code128
    ]
    # the photo area (top right of section one) is not blank
    photo = page.convert("L").crop((1300, 430, 1480, 650))
    assert photo.getextrema()[0] < 100


def test_long_lists_flow_to_a_second_page_with_everything(tmp_path: Path) -> None:
    app = sample_application("change")
    app.relatives = app.relatives * 5
    app.changes = app.changes * 4
    pdf = render_form(app)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    text = text_of(pdf)
    assert "（续页）" in text and "申请人签名" in text
    assert text.count(app.relatives[0].id_number) == 5


@pytest.mark.parametrize("paper", ["80mm", "a4"])
def test_slip_fields_mask_and_qr(paper: str, tmp_path: Path) -> None:
    app = sample_application("replacement")
    pdf = render_slip(app, paper)
    text = text_of(pdf)
    masked = idnumber.mask(app.applicant.id_number)
    for value in (
        "预受理凭条",
        app.queue_number,
        app.application_number,
        app.applicant.name,
        masked,
        app.photo_number,
        values.service(app.service),
        values.point_name(app.acceptance_point),
        "居民身份证原件",
        "遗失声明",
        "接下来",
        "本凭条不是受理回执",
    ):
        assert squash(value) in text, value
    assert app.applicant.id_number not in text, "the full ID number must not be on the slip"
    width = PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width
    assert float(width) == pytest.approx(80 * MM if paper == "80mm" else 595.27, abs=0.5)
    assert_fonts_embedded(pdf, tmp_path)
    page = pages_png(pdf, tmp_path, dpi=200)[0]
    qr = [b.text for b in zxingcpp.read_barcodes(page) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr == [app.application_number]


def test_slip_in_english() -> None:
    app = sample_application("renewal")
    text = text_of(render_slip(app, "80mm", "en"))
    for value in (
        "Pre-acceptanceslip",
        "queuenumber",
        "Renewal",
        "Whathappensnext",
        app.applicant.name,
    ):
        assert value in text


def test_official_receipt_has_review_and_collection(tmp_path: Path) -> None:
    app = sample_application("exchange")
    reviewed = clock.now()
    review = Review(
        "approved", "S0231", reviewed, working_days_after(reviewed.date(), 7), "FT01", "材料齐全"
    )
    pdf = render_receipt(app, review, "80mm")
    text = text_of(pdf)
    for value in (
        "受理回执",
        "审核通过",
        "S0231",
        values.date_zh(review.collection_date),
        values.point_name("FT01"),
        values.point_address("FT01"),
        app.queue_number,
        app.application_number,
        idnumber.mask(app.applicant.id_number),
        "材料齐全",
    ):
        assert squash(value) in text, value
    assert "本凭条不是受理回执" not in text
    assert_fonts_embedded(pdf, tmp_path)
    asked = dataclasses.replace(review, result="materials_requested", collection_date=None)
    assert "需补交材料" in text_of(render_receipt(app, asked, "a4"))
    with pytest.raises(ValueError):
        Review("maybe", "S1", reviewed)
    with pytest.raises(ValueError):
        Review("approved", " ", reviewed)


def test_working_days_skip_weekends() -> None:
    import datetime as dt

    friday = dt.date(2026, 11, 27)
    assert working_days_after(friday, 1) == dt.date(2026, 11, 30)
    assert working_days_after(friday, 7) == dt.date(2026, 12, 8)


def test_rare_characters_use_the_fallback_font_or_a_visible_code_box(tmp_path: Path) -> None:
    app = sample_application("renewal")
    in_fallback, in_none = "\U00020bb7", "\U00021484"  # 𠮷 (Noto-derived fallback), 𡒄 (no font)
    assert fonts.font_for(in_fallback) == fonts.FALLBACK
    assert fonts.missing(in_none) == [in_none]
    app.applicant = dataclasses.replace(app.applicant, name=f"{in_fallback}{in_none}明")
    for pdf in (render_form(app), render_slip(app)):
        text = text_of(pdf)
        assert in_fallback + "U+21484明" in text  # 𠮷 extracts correctly; 𡒄 is printed as its code
        names = [row[0] for row in pdffonts(pdf, tmp_path)]
        assert any("Kiosk-Han-Fallback" in n for n in names)
        assert_fonts_embedded(pdf, tmp_path)


def test_slip_raster_is_576_dots_and_scannable() -> None:
    app = sample_application("exchange")
    image = render_slip_raster(app)
    assert image.mode == "1" and image.width == 576
    qr = [b.text for b in zxingcpp.read_barcodes(image.convert("L"))]
    assert qr == [app.application_number]
    review = Review("approved", "S9", clock.now(), clock.today())
    receipt = render_receipt_raster(app, review)
    assert receipt.width == 576
    assert [b.text for b in zxingcpp.read_barcodes(receipt.convert("L"))] == [
        app.application_number
    ]
