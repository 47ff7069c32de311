"""The 居住登记凭条: what a residence registration (居住登记) gives the applicant to take along.

A registration has no permit, no photo and no A4 form: the slip is its paper. It says what was
registered (the address down to the community, since when, the relation to the householder or
landlord as the office's rules name it), the registration number with its QR code, the queue
number and window, the materials to show as a checklist with empty boxes, and what happens next.
Only what the applicant said, what the card says, or what the rules data say. For the 80 mm roll
(PDF or raster) and an A4 fallback; Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

from PIL import Image

from kiosk.documents import values
from kiosk.documents.slip import add_footer, add_materials, slip_ticket
from kiosk.documents.ticket import Field, Rule, Text, Ticket, render_pdf, render_raster
from kiosk.domain.application import Application

WORDS = {
    "address": ("居住地址", "Address"),
    "since": ("起住日期", "Living there since"),
    "relation": ("与户主或房东的关系", "Relation"),
    "signed": (
        "您已在自助终端上签名确认以上信息真实。",
        "You signed on the kiosk that this information is true.",
    ),
    "next": ("接下来：", "What happens next:"),
    "step_call": (
        "1. 请留意叫号，听到排队号后到窗口出示以上材料。",
        "1. Wait for your queue number to be called, then show these documents at the window.",
    ),
    "step_check": (
        "2. 工作人员核对材料后，您的居住登记即完成。",
        "2. Staff check your documents; then your residence registration is done.",
    ),
    "permit_later": (
        "以后符合办证条件时，可直接申领居住证；申领居住证即视为办理居住登记。",
        "Once you meet a condition for the permit, you can apply for it directly; applying "
        "counts as registering.",
    ),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def build(app: Application, lang: str = "zh") -> Ticket:
    t = slip_ticket(app, lang, title_key="title_registration")
    t.add(
        Field(word("address", lang), values.address(app.residence, lang)),
        Field(word("since", lang), values.date(app.lived_since, lang)),
        Field(
            word("relation", lang),
            values.registration_relation(app.householder_relation, lang),
        ),
        Text(word("signed", lang)),
        Rule(),
    )
    add_materials(t, app, lang)
    t.add(
        Rule(),
        Text(word("next", lang), bold=True),
        Text(word("step_call", lang)),
        Text(word("step_check", lang)),
        Text(word("permit_later", lang)),
    )
    add_footer(t, app, lang)
    return t


def render_registration_slip(app: Application, paper: str = "80mm", lang: str = "zh") -> bytes:
    """The registration slip as PDF bytes, ``paper`` 80mm or a4."""
    return render_pdf(build(app, lang), paper, f"登记编号 {app.application_number}")


def render_registration_slip_raster(
    app: Application, width_dots: int = 576, lang: str = "zh"
) -> Image.Image:
    """The registration slip as a 1-bit image for an ESC/POS printer (576 dots for 80 mm)."""
    return render_raster(build(app, lang), width_dots)
