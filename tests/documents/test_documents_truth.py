"""Say only what is true: every service's form, slip and 受理回执 printed and read back.

No tick the applicant did not give, nothing "in hand" they did not confirm, a kiosk-made photo
number labelled 本机采集号, a renewal receipt without a collection date, collection dates from the
rules data, an English slip without Chinese except the applicant's own data, 12 pt body text.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.documents import values
from kiosk.documents.form import render_form
from kiosk.documents.receipt import Review, render_receipt, working_days_after
from kiosk.documents.sample import sample_application
from kiosk.documents.slip import render_slip
from kiosk.domain import clock, codes
from kiosk.domain.application import Application
from kiosk.domain.rules import SERVICES, office_rulebook

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def flat(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def sizes(pdf: bytes) -> list[tuple[str, float]]:
    """(text run, font size in pt) for every run drawn on the pages."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, _cm: object, tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), size * abs(tm[3] or 1)))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return runs


def ticks_expected(app: Application) -> int:
    """Service, permit type (renewal, exchange), reason (replacement), condition and student
    answer (replacement, exchange): exactly what the journeys ask."""
    n = 1
    n += app.service in ("renewal", "exchange")
    n += app.service == "replacement" and bool(app.replacement_reason)
    if app.service in ("replacement", "exchange"):
        n += bool(app.condition) + (app.student is not None)
    return n


@pytest.mark.parametrize("service", SERVICES)
def test_the_form_ticks_only_what_the_applicant_gave(service: str, tmp_path: Path) -> None:
    app = sample_application(service)
    pdf = render_form(app)
    text, layout = flat(pdf), pdftotext(pdf, tmp_path)
    assert text.count("√") == ticks_expected(app), layout
    assert "√" + values.service(service) in text
    if service in ("renewal", "change", "correction"):
        assert {"renewal": "延期无需填写", "change": "变更无需填写", "correction": "更正无需填写"}[
            service
        ] in text
        assert "√以上均不符合" not in text and "√否" not in text and "√是" not in text
        assert "√在深圳市从业" not in text
    else:
        assert "√" + codes.condition(app.condition).zh[:6] in text
        assert "√否" in text  # the sample applicant answered "no"
    if service not in ("renewal", "exchange"):
        assert "√深圳市居住证" not in text and "√深圳市临时居住证" not in text
    # the kiosk's own number is never a 数码照相图像号
    assert "本机采集号" in layout and "数码照相图像号" not in layout
    assert "自行排版" in text  # the footer says the layout is the kiosk's own


@pytest.mark.parametrize("service", ["replacement", "exchange"])
def test_an_unanswered_question_stays_unticked(service: str) -> None:
    app = dataclasses.replace(sample_application(service), student=None, condition="")
    text = flat(render_form(app))
    assert "√否" not in text and "√是" not in text
    assert not any("√" + c.zh[:6] in text for c in codes.conditions())


def test_a_scanned_photo_number_keeps_its_official_label() -> None:
    app = dataclasses.replace(sample_application("renewal"), photo_number_source="scanned")
    assert "数码照相图像号" in flat(render_form(app))
    assert "数码照相图像号" in flat(render_slip(app))


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_slip_is_a_checklist_of_what_to_bring(service: str, lang: str, tmp_path: Path) -> None:
    app = sample_application(service)
    pdf = render_slip(app, "80mm", lang)
    layout = pdftotext(pdf, tmp_path)
    text = flat(pdf)
    wanted = values.materials_to_bring(app)
    assert wanted and not any(confirmed for _, confirmed in wanted)
    assert layout.count("□") == len(wanted)
    for key, _ in wanted:
        assert re.sub(r"\s+", "", values.material_label(key, lang)) in text
    assert "已备" not in text and "you said you have it" not in layout
    assert app.queue_number in text and re.fullmatch(r"[A-Z]\d{3}", app.queue_number)
    counter = values.point_counter(app.acceptance_point, lang)
    assert counter and re.sub(r"\s+", "", counter) in text
    if service == "renewal":
        assert ("审核通过即办理完成" if lang == "zh" else "the renewal is done") in (
            text if lang == "zh" else layout.replace("\n", " ")
        )
        assert re.sub(r"\s+", "", values.date(app.new_expiry, lang)) in text
    else:
        days = office_rulebook().collection_days(service)
        assert days
        assert (f"第{days}个工作日" if lang == "zh" else "working day") in (
            text if lang == "zh" else layout
        )
    assert "短信" not in text and "text you" not in layout  # no promise of an SMS


def test_confirmed_materials_are_marked_and_only_those() -> None:
    app = sample_application("change")
    app.materials = ["id_card"]
    text = flat(render_slip(app))
    assert text.count("已备") == 1 and "√本人居民身份证原件（已备）" in text
    # the proof asked for is the one of each changed item, not a vague "new information"
    assert "新住址的租房合同或房产证" in text and "新单位的劳动合同或在职证明" in text
    assert "改名证明" not in text


@pytest.mark.parametrize("service", SERVICES)
def test_the_english_slip_has_no_chinese_but_the_applicants_own_data(service: str) -> None:
    app = sample_application(service)
    text = flat(render_slip(app, "80mm", "en"))
    for own in (app.applicant.name,):
        text = text.replace(own, "")
    assert not CJK.findall(text), CJK.findall(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_slip_body_text_is_at_least_12_pt(lang: str) -> None:
    app = sample_application("replacement")
    runs = sizes(render_slip(app, "80mm", lang))
    small = [t for t, size in runs if size < 11.99]
    # only the office line at the top and the kiosk's print stamp at the foot are smaller
    assert len(small) <= 2, small
    assert any(size >= 12 for _, size in runs)


@pytest.mark.parametrize("service", SERVICES)
def test_the_receipt_says_when_and_where_from_the_rules(service: str, tmp_path: Path) -> None:
    app = sample_application(service)
    reviewed = clock.now()
    pdf = render_receipt(app, Review("approved", "S0231", reviewed), "80mm")
    layout = pdftotext(pdf, tmp_path)
    text = flat(pdf)
    assert "受理回执" in text and "审核通过" in text
    assert "须交回旧证" not in text
    if service == "renewal":
        assert "领证日期" not in text and "领证地点" not in text
        assert "审核通过即办理完成" in text
        assert values.date_zh(app.new_expiry) in text
    else:
        days = office_rulebook().collection_days(service)
        assert days is not None
        expected = working_days_after(reviewed.date(), days)
        assert "领证日期" in text and values.date_zh(expected) in text, layout
    assert "本机采集号" in text and "数码照相图像号" not in text


def test_an_office_changes_the_collection_days(tmp_path: Path, monkeypatch) -> None:
    from kiosk import resources

    home = tmp_path / "home"
    home.mkdir()
    rules = resources.path("data", "rules.toml").read_text(encoding="utf-8")
    own = rules.replace("replacement = 7, exchange = 7", "replacement = 3, exchange = 10")
    assert own != rules
    (home / "rules.toml").write_text(own, encoding="utf-8")
    monkeypatch.setenv("KIOSK_HOME", str(home))
    app = sample_application("replacement")
    reviewed = clock.now()
    text = flat(render_receipt(app, Review("approved", "S1", reviewed)))
    assert values.date_zh(working_days_after(reviewed.date(), 3)) in text
    assert "第3个工作日" in flat(render_slip(app))


def test_a_long_kiosk_number_is_printed_whole_on_the_slip() -> None:
    app = dataclasses.replace(
        sample_application("renewal"), photo_number="KC-FT01-K01-20261128-0001"
    )
    for lang in ("zh", "en"):
        assert "KC-FT01-K01-20261128-0001" in flat(render_slip(app, "80mm", lang))


def test_a_correction_asks_for_what_shows_the_right_entry_not_a_change_of_name() -> None:
    app = sample_application("correction")  # its item: the name
    text = flat(render_slip(app))
    assert "写有正确内容的居民身份证或户口簿" in text and "改名证明" not in text
