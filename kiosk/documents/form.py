"""The filled 《深圳市居住证补办/换领/变更更正信息申请表》 as an A4 PDF.

One ruled grid, black on white (it is photocopied): the service ticked, identity, addresses,
contact, the permit, 办理条件 and its details (only what the journey asked: a renewal, change or
correction prints "延期无需填写" and the like there, and no tick the applicant did not give), 同住亲属, the changed or corrected items (old value,
new value, reason), the photo with its 数码照相图像号 (or 本机采集号 when the kiosk made it), the signature and date, a part for staff, and
the application number as a Code 128 barcode. Long lists flow onto a second page with the header
repeated.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4

from kiosk.documents import fonts, values
from kiosk.documents.layout import (
    MM,
    Flow,
    barcode128,
    cell,
    form_row,
    form_section,
    image,
    new_canvas,
    options,
    signature_block,
    text_in_box,
)
from kiosk.domain import clock, codes
from kiosk.domain.application import Application

TITLE = "深圳市居住证补办/换领/变更更正信息申请表"
TITLE_EN = "Application Form for Replacement / Exchange / Change and Correction of Shenzhen Residence Permit"
SERVICE_ORDER = ("replacement", "exchange", "change", "correction", "renewal")
PERMIT_ASKED = ("renewal", "exchange")  # journeys with a permit step (type and expiry date)
CONDITION_ASKED = ("replacement", "exchange")  # journeys that ask the 办理条件 and student question
NOT_ASKED = {
    "renewal": "延期无需填写",
    "change": "变更无需填写",
    "correction": "更正无需填写",
}
LAYOUT_NOTE = "本表为自助终端按《深圳市居住证补办/换领/变更更正信息申请表》栏目自行排版打印"
X0 = 14 * MM
WIDTH = 182 * MM
LABEL_W = 20 * MM
PHOTO_W = 30 * MM
SIZE = 9.5


def render_form(app: Application) -> bytes:
    """The filled form as PDF bytes (A4, one page; two when the lists are long)."""
    out = io.BytesIO()
    _, height = A4
    canvas = new_canvas(out, A4, TITLE, f"申请编号 {app.application_number}")
    flow = Flow(canvas, top=height - 10 * MM, bottom=12 * MM)
    flow.on_new_page.append(lambda f: _continued_header(f, app))
    _header(flow, app)
    _identity(flow, app)
    _permit(flow, app)
    _condition(flow, app)
    _relatives(flow, app)
    _changes(flow, app)
    _signatures(flow, app)
    _footers(canvas, app, flow.page)
    canvas.save()
    return out.getvalue()


def _row(flow: Flow, cols: list[tuple[float, str, bool]], h: float, x: float = X0) -> None:
    form_row(flow, cols, h, x, SIZE)


def _section(flow: Flow, title: str, body_height: float) -> None:
    form_section(flow, title, X0, WIDTH, body_height)


def _header(flow: Flow, app: Application) -> None:
    c = flow.canvas
    top = flow.y
    fonts.draw(c, X0, top - 4 * MM, f"受理点：{values.point_name(app.acceptance_point)}", 8.5)
    fonts.draw(
        c,
        X0,
        top - 9 * MM,
        f"申请日期：{values.date_zh((app.submitted_at or clock.now()).date())}",
        8.5,
    )
    bar_w = 64 * MM
    barcode128(
        c, app.application_number or "DRAFT", X0 + WIDTH - bar_w, top - 9 * MM, 8 * MM, bar_w
    )
    fonts.draw(
        c,
        X0 + WIDTH - bar_w / 2,
        top - 12.5 * MM,
        f"申请编号 {app.application_number}",
        8.5,
        align="center",
    )
    fonts.draw(c, X0 + WIDTH / 2, top - 21 * MM, TITLE, 16, bold=True, align="center")
    fonts.draw(c, X0 + WIDTH / 2, top - 25.5 * MM, TITLE_EN, 7.5, align="center")
    flow.y = top - 27 * MM
    h = 8 * MM
    cell(c, X0, flow.y, LABEL_W, h, "申请事项", SIZE, label=True)
    cell(c, X0 + LABEL_W, flow.y, WIDTH - LABEL_W, h)
    items = [(values.service(k), app.service == k) for k in SERVICE_ORDER]
    options(c, X0 + LABEL_W + 3 * MM, flow.y - h / 2 - SIZE * 0.35, items, SIZE, gap=8 * MM)
    flow.y -= h


def _continued_header(flow: Flow, app: Application) -> None:
    c = flow.canvas
    fonts.draw(c, X0, flow.y - 4 * MM, f"{TITLE}（续页）", 11, bold=True)
    fonts.draw(
        c, X0 + WIDTH, flow.y - 4 * MM, f"申请编号 {app.application_number}", 8.5, align="right"
    )
    flow.y -= 8 * MM


def _identity(flow: Flow, app: Application) -> None:
    card = app.applicant
    h = 8 * MM
    _section(flow, "一、申请人基本信息", 6 * h)
    top = flow.y
    _row(
        flow,
        [
            (LABEL_W, "姓名", True),
            (36 * MM, card.name, False),
            (16 * MM, "性别", True),
            (20 * MM, values.sex(card.sex), False),
            (16 * MM, "民族", True),
            (44 * MM, values.ethnic(card.ethnic_group), False),
        ],
        h,
    )
    _row(
        flow,
        [
            (LABEL_W, "出生日期", True),
            (36 * MM, values.date_zh(card.birth_date), False),
            (32 * MM, "公民身份号码", True),
            (64 * MM, card.id_number, False),
        ],
        h,
    )
    _row(flow, [(LABEL_W, "户籍地址", True), (132 * MM, card.address or "", False)], h)
    _row(
        flow,
        [
            (LABEL_W, "签发机关", True),
            (56 * MM, card.authority or "", False),
            (20 * MM, "有效期限", True),
            (56 * MM, values.id_validity(app), False),
        ],
        h,
    )
    # the photo spans the first four rows at the right
    c = flow.canvas
    px = X0 + WIDTH - PHOTO_W
    c.rect(px, flow.y, PHOTO_W, top - flow.y)
    if app.photo_jpeg:
        image(
            c, app.photo_jpeg, px + 2 * MM, flow.y + 2 * MM, PHOTO_W - 4 * MM, top - flow.y - 4 * MM
        )
    else:
        text_in_box(c, px, top, PHOTO_W, top - flow.y, "相片", SIZE, align="center")
    _row(
        flow,
        [(LABEL_W, "居住地址", True), (WIDTH - LABEL_W, values.address(app.residence), False)],
        h,
    )
    _row(
        flow,
        [
            (LABEL_W, "联系电话", True),
            (50 * MM, app.phone, False),
            (32 * MM, values.photo_number_label(app), True),
            (80 * MM, app.photo_number, False),
        ],
        h,
    )


def _permit(flow: Flow, app: Application) -> None:
    h = 8 * MM
    _section(flow, "二、居住证信息", 3 * h)
    c = flow.canvas
    cell(c, X0, flow.y, LABEL_W, h, "证件类型", SIZE, label=True)
    cell(c, X0 + LABEL_W, flow.y, 72 * MM, h)
    asked = app.service in PERMIT_ASKED  # the other journeys never ask which permit it is
    options(
        c,
        X0 + LABEL_W + 2 * MM,
        flow.y - h / 2 - SIZE * 0.35,
        [(p.zh, asked and app.permit.type == p.key) for p in codes.permit_types()],
        SIZE,
        gap=3 * MM,
    )
    _row(
        flow,
        [(28 * MM, "居住证号码", True), (62 * MM, app.permit.number, False)],
        h,
        x=X0 + LABEL_W + 72 * MM,
    )
    new_expiry = values.date_zh(app.new_expiry) if app.service == "renewal" else ""
    _row(
        flow,
        [
            (LABEL_W, "有效期至", True),
            (72 * MM, values.date_zh(app.permit.expires), False),
            (28 * MM, "延期后有效期至", True),
            (62 * MM, new_expiry, False),
        ],
        h,
    )
    cell(c, X0, flow.y, LABEL_W, h, "补办原因", SIZE, label=True)
    cell(c, X0 + LABEL_W, flow.y, WIDTH - LABEL_W, h)
    reasons = [(r.zh, app.replacement_reason == r.key) for r in codes.replacement_reasons()]
    x = options(c, X0 + LABEL_W + 2 * MM, flow.y - h / 2 - SIZE * 0.35, reasons, SIZE, gap=6 * MM)
    fonts.draw(c, x + 4 * MM, flow.y - h / 2 - SIZE * 0.35, "（仅补办时填写）", 8)
    flow.y -= h


def _condition(flow: Flow, app: Application) -> None:
    """The 办理条件 ticked as the applicant chose it; nothing ticked that was not asked."""
    conds = codes.conditions()
    line = 5.2 * MM
    asked = app.service in CONDITION_ASKED
    details = (
        list(codes.condition(app.condition).details)
        if asked and app.condition in {c.key for c in conds}
        else []
    )
    extra = [k for k in app.condition_details if k not in details] if asked else []
    detail_keys = details + extra
    block = len(conds) * line + 2 * MM
    dh = 7.5 * MM
    _section(flow, "三、办理条件（勾选一项，所选条件须属实）", block + len(detail_keys) * dh)
    c = flow.canvas
    cell(c, X0, flow.y, LABEL_W, block + len(detail_keys) * dh, "办理条件", SIZE, label=True)
    c.rect(X0 + LABEL_W, flow.y - block, WIDTH - LABEL_W, block)
    if not asked:
        text_in_box(
            c, X0 + LABEL_W, flow.y, WIDTH - LABEL_W, block,
            f"（{NOT_ASKED.get(app.service, '本次办理无需填写')}）", 11, align="center",
        )  # fmt: skip
        flow.y -= block
        return
    y = flow.y - 1 * MM - line + 1.6 * MM
    for cond in conds:
        end = options(c, X0 + LABEL_W + 2 * MM, y, [(cond.zh, app.condition == cond.key)], 9)
        y -= line
    # the student question shares the last (short) line; ticked only as answered
    x = fonts.draw(c, end + 10 * MM, y + line, "在深圳全日制学校就读的学生：", 9) + end + 12 * MM
    options(c, x, y + line, [("是", app.student is True), ("否", app.student is False)], 9)
    flow.y -= block
    for key in detail_keys:
        _row(
            flow,
            [
                (34 * MM, _detail_label(key), True),
                (WIDTH - LABEL_W - 34 * MM, app.condition_details.get(key, ""), False),
            ],
            dh,
            x=X0 + LABEL_W,
        )


def _detail_label(key: str) -> str:
    try:
        return codes.detail_field(key).zh
    except KeyError:
        return key


def _relatives(flow: Flow, app: Application) -> None:
    h = 6.5 * MM
    rows = max(3, len(app.relatives))
    widths = (12 * MM, 40 * MM, 40 * MM, 90 * MM)
    _section(flow, "四、同住亲属关系（家庭户可填写）", h * 2)
    _row(
        flow,
        list(
            zip(widths, ("序号", "姓名", "与申请人关系", "公民身份号码"), (True,) * 4, strict=True)
        ),
        h,
    )
    for i in range(rows):
        flow.need(h)
        rel = app.relatives[i] if i < len(app.relatives) else None
        texts = (
            (str(i + 1), rel.name, values.labelled("relationships", rel.relation), rel.id_number)
            if rel
            else (str(i + 1), "", "", "")
        )
        _row(flow, [(w, t, False) for w, t in zip(widths, texts, strict=True)], h)


def _changes(flow: Flow, app: Application) -> None:
    h = 8.5 * MM
    rows = max(2, len(app.changes))
    widths = (24 * MM, 60 * MM, 60 * MM, 38 * MM)
    _section(flow, "五、变更/更正事项（变更、更正时填写）", h * 2)
    _row(
        flow,
        list(
            zip(widths, ("事项", "原登记内容", "变更/更正后内容", "原因"), (True,) * 4, strict=True)
        ),
        7 * MM,
    )
    for i in range(rows):
        flow.need(h)
        ch = app.changes[i] if i < len(app.changes) else None
        texts = (
            (values.labelled("change_items", ch.item), ch.old, ch.new, ch.reason)
            if ch
            else ("", "", "", "")
        )
        _row(flow, [(w, t, False) for w, t in zip(widths, texts, strict=True)], h)


def _signatures(flow: Flow, app: Application) -> None:
    signed = app.submitted_at.date() if app.submitted_at else None
    signature_block(flow, X0, WIDTH, app.signature_png, values.date_zh(signed), SIZE)


def _footers(canvas: object, app: Application, pages: int) -> None:
    """Footer on the last page (reportlab has no page-count pass; one page is the common case)."""
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    printed = values.stamp(clock.now())
    text = (
        f"自助终端 {app.acceptance_point}-{app.kiosk_id} 打印于 {printed}  ·  本表一式一份，"
        f"由受理点留存  ·  共{pages}页"
    )
    fonts.draw(canvas, X0 + WIDTH / 2, 8 * MM, text, 7.5, align="center")
    fonts.draw(canvas, X0 + WIDTH / 2, 4.5 * MM, LAYOUT_NOTE, 7.5, align="center")
