"""The applicant's 预受理凭条: what they take from the kiosk to the counter.

It is not the official 受理回执 (staff print that after review, see :mod:`receipt`). It shows the
acceptance point, date and time, the application number with its QR code, the queue number, the
service, the name with the ID number masked, the photo number, the materials still to hand in, and
what happens next. For an 80 mm thermal roll (PDF or raster) and an A4 fallback; Chinese by
default, English with ``lang="en"`` (names and addresses stay as registered).
"""

from __future__ import annotations

from PIL import Image

from kiosk.documents import values
from kiosk.documents.ticket import (
    BODY,
    QR,
    Field,
    Gap,
    Rule,
    Text,
    Ticket,
    render_pdf,
    render_raster,
)
from kiosk.domain import clock, idnumber
from kiosk.domain.application import Application

WORDS = {
    "office": ("深圳市居住证受理点", "Shenzhen residence-permit acceptance point"),
    "title": ("预受理凭条", "Pre-acceptance slip"),
    "keep": ("请保管好本凭条,到柜台办理时出示。", "Keep this slip and show it at the counter."),
    "queue": ("排队号", "Queue number"),
    "point": ("受理点", "Acceptance point"),
    "time": ("时间", "Time"),
    "number": ("申请编号", "Application no."),
    "service": ("办理事项", "Service"),
    "name": ("姓名", "Name"),
    "id": ("身份证号", "ID number"),
    "photo": ("数码照相图像号", "Photo number"),
    "materials": ("请到柜台递交以下材料:", "Hand in at the counter:"),
    "ready": ("已备", "ready"),
    "todo": ("请补齐", "still needed"),
    "next": ("下一步:", "Next steps:"),
    "step1": (
        "1. 请留意叫号,听到您的排队号后到柜台办理。",
        "1. Wait for your queue number to be called, then go to the counter.",
    ),
    "step2": (
        "2. 工作人员核对材料并审核,审核通过后出具受理回执。",
        "2. Staff check your materials; once approved you get the official receipt.",
    ),
    "step3": (
        "3. 查询进度:凭申请编号向本受理点查询。",
        "3. To check progress, give your application number at this acceptance point.",
    ),
    "hours": ("办公时间", "Opening hours"),
    "not_receipt": ("本凭条不是受理回执。", "This slip is not the official receipt."),
    "kiosk": ("自助终端", "Kiosk"),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def slip_ticket(app: Application, lang: str = "zh", *, title_key: str = "title") -> Ticket:
    """The slip's blocks; the receipt starts from the same ones."""
    w = lambda key: word(key, lang)  # noqa: E731
    when = app.submitted_at or clock.now()
    t = Ticket(w(title_key))
    t.add(
        Text(w("office"), BODY * 0.9, align="center"),
        Text(w(title_key), 5.5, bold=True, align="center"),
        Text(w("keep"), BODY * 0.9, align="center"),
        Rule(),
        Text(w("queue"), BODY, align="center"),
        Text(app.queue_number, 7.0, bold=True, align="center"),
        Rule(),
        Field(w("point"), values.point_name(app.acceptance_point, lang)),
        Field(w("time"), values.stamp(when, lang)),
        Field(w("number"), app.application_number, bold=True),
        QR(app.application_number),
        Field(w("service"), values.service(app.service, lang), bold=True),
        Field(w("name"), app.applicant.name),
        Field(w("id"), idnumber.mask(app.applicant.id_number)),
        Field(w("photo"), app.photo_number),
        Rule(),
    )
    return t


def add_materials_and_steps(t: Ticket, app: Application, lang: str) -> None:
    t.add(Text(word("materials", lang), bold=True))
    for key, ready in values.materials_to_bring(app):
        mark = word("ready", lang) if ready else word("todo", lang)
        mark = f" ({mark})" if lang == "en" else f"({mark})"
        t.add(Text(f"□ {values.material_label(key, lang)}{mark}"))
    t.add(Rule(), Text(word("next", lang), bold=True))
    for key in ("step1", "step2", "step3"):
        t.add(Text(word(key, lang)))


def add_footer(
    t: Ticket, app: Application, lang: str, note_key: str | None = "not_receipt"
) -> None:
    hours = values.point_hours(app.acceptance_point)
    if hours:
        t.add(Field(word("hours", lang), hours))
    t.add(Rule(), Gap(0.5))
    if note_key:
        t.add(Text(word(note_key, lang), BODY * 0.9, bold=True, align="center"))
    printed = values.stamp(clock.now(), lang)
    t.add(
        Text(
            f"{word('kiosk', lang)} {app.acceptance_point}-{app.kiosk_id}  {printed}",
            BODY * 0.8,
            align="center",
        ),
        Gap(3),
    )


def build(app: Application, lang: str = "zh") -> Ticket:
    t = slip_ticket(app, lang)
    add_materials_and_steps(t, app, lang)
    add_footer(t, app, lang)
    return t


def render_slip(app: Application, paper: str = "80mm", lang: str = "zh") -> bytes:
    """The slip as PDF bytes, ``paper`` 80mm or a4."""
    return render_pdf(build(app, lang), paper, f"申请编号 {app.application_number}")


def render_slip_raster(app: Application, width_dots: int = 576, lang: str = "zh") -> Image.Image:
    """The slip as a 1-bit image for an ESC/POS printer (576 dots for 80 mm paper)."""
    return render_raster(build(app, lang), width_dots)
