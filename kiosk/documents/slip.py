"""The applicant's 预受理凭条: what they take from the kiosk to the counter, and what happens next.

It is not the official 受理回执 (staff print that after review, see :mod:`receipt`). It answers
"what now?": the short queue number that will be called and the window to go to, the application
number with its QR code, the service, the name with the ID number masked, the photo number (a
kiosk-made one as 本机采集号), the materials to bring as a checklist with empty boxes (an item is
marked as in hand only when the applicant said so on screen), the next steps of this service,
whether a fee is due and when the new permit can be collected (from the rules data; a renewal is
done once approved). Body text is 12 pt. For an 80 mm thermal roll (PDF or raster) and an A4
fallback; Chinese by default, English with ``lang="en"`` (names and addresses stay as registered).
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
from kiosk.domain.rules import office_rulebook

WORDS = {
    "office": ("深圳市居住证受理点", "Shenzhen residence-permit acceptance point"),
    "title": ("预受理凭条", "Pre-acceptance slip"),
    "title_registration": ("居住登记凭条", "Residence registration slip"),
    "keep": ("请保管好本凭条，到窗口办理时出示。", "Keep this slip and show it at the counter."),
    "queue": ("您的排队号", "Your queue number"),
    "go_to": ("听到叫号后请到：{counter}", "When your number is called, go to: {counter}"),
    "point": ("受理点", "Acceptance point"),
    "time": ("时间", "Time"),
    "number": ("申请编号", "Application no."),
    "service": ("办理事项", "Service"),
    "name": ("姓名", "Name"),
    "id": ("身份证号", "ID number"),
    "materials": ("请带齐以下材料（已带的打勾）：", "Bring these (tick what you have):"),
    "ready": ("已备", "you said you have it"),
    "next": ("接下来：", "What happens next:"),
    "step_call": (
        "1. 请留意叫号，听到排队号后到窗口递交材料。",
        "1. Wait for your queue number to be called, then hand in your materials at the window.",
    ),
    "step_renewal": (
        "2. 工作人员审核材料，审核通过即办理完成，无需再来领证。",
        "2. Staff check your materials. Once approved, the renewal is done: "
        "there is no new card to collect.",
    ),
    "new_expiry": (
        "审核通过后居住证有效期至：{date}",
        "Once approved, your permit is valid until {date}",
    ),
    "step_review": (
        "2. 工作人员审核材料，审核通过后给您受理回执。",
        "2. Staff check your materials; once approved you get the official receipt.",
    ),
    "step_collect_days": (
        "3. 领证：审核通过后第{days}个工作日起，凭受理回执和身份证到{point}领取新证。",
        "3. Collecting: from the {nth} working day after approval, bring the receipt and "
        "your ID card to {point} for your new permit.",
    ),
    "step_collect_ask": (
        "3. 领证时间和地点写在受理回执上。",
        "3. When and where to collect the new permit is on the official receipt.",
    ),
    "collection_point": ("领证受理点", "Collect the permit at"),
    "step_collect_point": (
        "3. 领证：审核通过后，凭受理回执和身份证到您选定的{point}领取居住证；领证时间写在受理回执上。",
        "3. Collecting: once approved, bring the receipt and your ID card to {point}, the "
        "point you chose; the receipt says from when.",
    ),
    "online_next_time": (
        "下次也可以通过深圳经济特区居住登记和居住证服务平台网上办理，实名认证后可选择邮寄领证。",
        "Next time you can also apply on the Shenzhen residence-permit online platform; once "
        "your identity is verified there, the permit can be sent by post.",
    ),
    "fee": ("费用", "Fee"),
    "fee_none": ("不收费", "free of charge"),
    "fee_amount": ("工本费{yuan}元", "card fee {yuan} yuan"),
    "fee_ask": ("以窗口告知为准", "the counter will tell you"),
    "progress": (
        "查询进度：在自助终端点“查询办理进度”，放身份证或扫描本凭条二维码；也可凭申请编号向本受理点查询。",
        'To check progress, tap "Application progress" on a kiosk and place your ID card or '
        "scan this slip's QR code; or give your application number at this acceptance point.",
    ),
    "phone_progress": (
        "手机扫码查看办理进度（只显示状态，不显示个人信息）",
        "Scan with a phone to see the progress (status only, no personal details)",
    ),
    "hours": ("办公时间", "Opening hours"),
    "not_receipt": ("本凭条不是受理回执。", "This slip is not the official receipt."),
    "kiosk": ("自助终端", "Kiosk"),
}


def word(key: str, lang: str, **fill: object) -> str:
    zh, en = WORDS[key]
    text = en if lang == "en" else zh
    return text.format(**fill) if fill else text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def slip_ticket(app: Application, lang: str = "zh", *, title_key: str = "title") -> Ticket:
    """The slip's blocks; the receipt starts from the same ones."""
    w = lambda key, **fill: word(key, lang, **fill)  # noqa: E731
    when = app.submitted_at or clock.now()
    t = Ticket(w(title_key))
    t.add(
        Text(w("office"), BODY * 0.8, align="center"),
        Text(w(title_key), 6.5, bold=True, align="center"),
        Text(w("keep"), BODY, align="center"),
        Rule(),
        Text(w("queue"), BODY, align="center"),
        Text(app.queue_number, 12.0, bold=True, align="center"),
    )
    counter = values.point_counter(app.acceptance_point, lang)
    if counter:
        t.add(Text(w("go_to", counter=counter), BODY, bold=True, align="center"))
    t.add(
        Rule(),
        Field(w("service"), values.service(app.service, lang), bold=True),
        Field(w("name"), app.applicant.name),
        Field(w("id"), idnumber.mask(app.applicant.id_number)),
    )
    if app.photo_number:  # a registration has no photo
        t.add(Field(values.photo_number_label(app, lang), app.photo_number))
    t.add(
        # the number does not wrap: on its own line, under its QR code, where it always fits
        Text(w("number"), BODY, align="center"),
        QR(app.application_number),
        Text(app.application_number, BODY, bold=True, align="center"),
        Field(w("point"), values.point_name(app.acceptance_point, lang)),
    )
    if app.collection_point:
        t.add(Field(w("collection_point"), values.point_name(app.collection_point, lang)))
    t.add(Field(w("time"), values.stamp(when, lang)), Rule())
    return t


def add_materials(t: Ticket, app: Application, lang: str) -> None:
    """A checklist with empty boxes; "in hand" only for what the applicant confirmed on screen."""
    t.add(Text(word("materials", lang), bold=True))
    for key, confirmed in values.materials_to_bring(app):
        text = values.material_label(key, lang)
        if confirmed:
            mark = word("ready", lang)
            t.add(Text(f"√ {text} ({mark})" if lang == "en" else f"√ {text}（{mark}）"))
        else:
            t.add(Text(f"□ {text}"))


def add_next_steps(t: Ticket, app: Application, lang: str) -> None:
    book = office_rulebook()
    t.add(Rule(), Text(word("next", lang), bold=True), Text(word("step_call", lang)))
    if app.service == "renewal":
        t.add(Text(word("step_renewal", lang)))
        if app.new_expiry:
            t.add(Text(word("new_expiry", lang, date=values.date(app.new_expiry, lang)), bold=True))
    else:
        t.add(Text(word("step_review", lang)))
        days = book.collection_days(app.service)
        if app.collection_point:  # 申领: the 受理点 the applicant chose for collecting
            point = values.point_name(app.collection_point, lang)
            t.add(Text(word("step_collect_point", lang, point=point)))
        elif days:
            point = values.point_name(app.acceptance_point, lang)
            t.add(Text(word("step_collect_days", lang, days=days, nth=_ordinal(days), point=point)))
        else:
            t.add(Text(word("step_collect_ask", lang)))
    fee = book.card_fee(app.service)
    if fee is None:
        said = word("fee_ask", lang)
    elif fee == 0:
        said = word("fee_none", lang)
    else:
        said = word("fee_amount", lang, yuan=fee)
    t.add(Field(word("fee", lang), said), Text(word("progress", lang)))
    if app.service == "application":
        t.add(Text(word("online_next_time", lang)))


def add_materials_and_steps(t: Ticket, app: Application, lang: str) -> None:
    add_materials(t, app, lang)
    add_next_steps(t, app, lang)


def add_footer(
    t: Ticket, app: Application, lang: str, note_key: str | None = "not_receipt"
) -> None:
    hours = values.point_hours(app.acceptance_point, lang)
    if hours:
        t.add(Field(word("hours", lang), hours))
    t.add(Rule(), Gap(0.5))
    if note_key:
        t.add(Text(word(note_key, lang), BODY, bold=True, align="center"))
    printed = values.stamp(clock.now(), lang)
    t.add(
        Text(
            f"{word('kiosk', lang)} {app.acceptance_point}-{app.kiosk_id}  {printed}",
            BODY * 0.8,
            align="center",
        ),
        Gap(3),
    )


def build(app: Application, lang: str = "zh", progress_url: str = "") -> Ticket:
    t = slip_ticket(app, lang)
    add_progress_qr(t, app, lang, progress_url)
    add_materials_and_steps(t, app, lang)
    add_footer(t, app, lang)
    return t


def progress_page(app: Application, progress_url: str) -> str | None:
    """The hub's progress page for this application (``/p/<token>``), when the office set the
    address phones reach the hub by (config ``sync.progress_url``) and the slip has a token."""
    if not (progress_url and app.progress_token):
        return None
    return f"{progress_url.rstrip('/')}/p/{app.progress_token}"


def add_progress_qr(t: Ticket, app: Application, lang: str, progress_url: str) -> None:
    page = progress_page(app, progress_url)
    if page is not None:
        t.add(Text(word("phone_progress", lang), BODY, align="center"), QR(page), Rule())


def render_slip(
    app: Application, paper: str = "80mm", lang: str = "zh", *, progress_url: str = ""
) -> bytes:
    """The slip as PDF bytes, ``paper`` 80mm or a4."""
    return render_pdf(build(app, lang, progress_url), paper, f"申请编号 {app.application_number}")


def render_slip_raster(
    app: Application, width_dots: int = 576, lang: str = "zh", *, progress_url: str = ""
) -> Image.Image:
    """The slip as a 1-bit image for an ESC/POS printer (576 dots for 80 mm paper)."""
    return render_raster(build(app, lang, progress_url), width_dots)
