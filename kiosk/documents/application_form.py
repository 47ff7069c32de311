"""The filled 《深圳经济特区居住证业务申请表》 of a first application (申领) as an A4 PDF.

The guide names the form's fields as the online platform fills them: the applicant's own data
(from the ID card), the residence address, the phone, the recent 数码照相图像号, the 办理条件 (one,
true), 同住亲属关系 for a family household, and the 受理点 where the permit will be collected. This
is the kiosk's own layout of those fields (the footer says so), ruled black on white like
:mod:`kiosk.documents.form`: only what the applicant said, what the card says, or what the rules
data say is printed; nothing is ticked that the applicant did not choose.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

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
from kiosk.domain.rules import RuleBook, office_rulebook

TITLE = "深圳经济特区居住证业务申请表"
TITLE_EN = "Shenzhen Special Economic Zone Residence Permit Application Form"
LAYOUT_NOTE = "本表为自助终端按《深圳经济特区居住证业务申请表》栏目自行排版打印，非该表原版式"
SERVICE_LINE = (("首次申领", "application"),)
X0 = 14 * MM
WIDTH = 182 * MM
LABEL_W = 24 * MM
PHOTO_W = 30 * MM
ROW = 8 * MM
SIZE = 9.5


def render_application_form(app: Application, book: RuleBook | None = None) -> bytes:
    """The filled form as PDF bytes (A4; a second page only when the lists are long)."""
    book = book or office_rulebook()
    out = io.BytesIO()
    _, height = A4
    canvas = new_canvas(out, A4, TITLE, f"申请编号 {app.application_number}")
    flow = Flow(canvas, top=height - 10 * MM, bottom=14 * MM)
    flow.on_new_page.append(lambda f: _continued(f, app))
    _header(flow, app)
    _identity(flow, app)
    _residence(flow, app)
    _condition(flow, app)
    _relatives(flow, app)
    _collection(flow, app, book)
    _signatures(flow, app)
    _footer(canvas, app, flow.page)
    canvas.save()
    return out.getvalue()


def _row(flow: Flow, cols: list[tuple[float, str, bool]], h: float = ROW, x: float = X0) -> None:
    form_row(flow, cols, h, x, SIZE)


def _section(flow: Flow, title: str, body_height: float) -> None:
    form_section(flow, title, X0, WIDTH, body_height)


def _header(flow: Flow, app: Application) -> None:
    c = flow.canvas
    top = flow.y
    fonts.draw(c, X0, top - 4 * MM, f"提交受理点：{values.point_name(app.acceptance_point)}", 8.5)
    day = (app.submitted_at or clock.now()).date()
    fonts.draw(c, X0, top - 9 * MM, f"申请日期：{values.date_zh(day)}", 8.5)
    bar_w = 64 * MM
    number = app.application_number
    barcode128(c, number or "DRAFT", X0 + WIDTH - bar_w, top - 9 * MM, 8 * MM, bar_w)
    fonts.draw(
        c, X0 + WIDTH - bar_w / 2, top - 12.5 * MM, f"申请编号 {number}", 8.5, align="center"
    )
    fonts.draw(c, X0 + WIDTH / 2, top - 21 * MM, TITLE, 16, bold=True, align="center")
    fonts.draw(c, X0 + WIDTH / 2, top - 25.5 * MM, TITLE_EN, 7.5, align="center")
    flow.y = top - 27 * MM
    cell(c, X0, flow.y, LABEL_W, ROW, "申请事项", SIZE, label=True)
    cell(c, X0 + LABEL_W, flow.y, WIDTH - LABEL_W, ROW)
    items = [(text, app.service == key) for text, key in SERVICE_LINE]
    options(c, X0 + LABEL_W + 3 * MM, flow.y - ROW / 2 - SIZE * 0.35, items, SIZE)
    flow.y -= ROW


def _continued(flow: Flow, app: Application) -> None:
    c = flow.canvas
    fonts.draw(c, X0, flow.y - 4 * MM, f"{TITLE}（续页）", 11, bold=True)
    number = f"申请编号 {app.application_number}"
    fonts.draw(c, X0 + WIDTH, flow.y - 4 * MM, number, 8.5, align="right")
    flow.y -= 8 * MM


def _identity(flow: Flow, app: Application) -> None:
    """The applicant's own data, as the ID card gives them, with the photo at the right."""
    card = app.applicant
    _section(flow, "一、申请人基本信息（由身份证读取）", 4 * ROW)
    top = flow.y
    left = WIDTH - PHOTO_W
    _row(
        flow,
        [
            (LABEL_W, "姓名", True),
            (38 * MM, card.name, False),
            (14 * MM, "性别", True),
            (16 * MM, values.sex(card.sex), False),
            (14 * MM, "民族", True),
            (left - LABEL_W - 82 * MM, values.ethnic(card.ethnic_group), False),
        ],
    )
    _row(
        flow,
        [
            (LABEL_W, "出生日期", True),
            (38 * MM, values.date_zh(card.birth_date), False),
            (28 * MM, "公民身份号码", True),
            (left - LABEL_W - 66 * MM, card.id_number, False),
        ],
    )
    _row(flow, [(LABEL_W, "户籍地址", True), (left - LABEL_W, card.address or "", False)])
    _row(
        flow,
        [
            (LABEL_W, "签发机关", True),
            (48 * MM, card.authority or "", False),
            (18 * MM, "有效期限", True),
            (left - LABEL_W - 66 * MM, values.id_validity(app), False),
        ],
    )
    c = flow.canvas
    px = X0 + left
    c.rect(px, flow.y, PHOTO_W, top - flow.y)
    if app.photo_jpeg:
        image(
            c, app.photo_jpeg, px + 2 * MM, flow.y + 2 * MM, PHOTO_W - 4 * MM, top - flow.y - 4 * MM
        )
    else:
        text_in_box(c, px, top, PHOTO_W, top - flow.y, "相片", SIZE, align="center")


def _residence(flow: Flow, app: Application) -> None:
    """Where they live, down to the community, picked from the national division data."""
    addr = app.residence
    _section(flow, "二、居住信息", 4 * ROW)
    half = (WIDTH - 2 * LABEL_W) / 2
    street = values.street_name(addr.district, addr.street)
    _row(
        flow,
        [
            (LABEL_W, "所在区", True),
            (half, values.district_name(addr.district) if addr.district else "", False),
            (LABEL_W, "街道", True),
            (half, f"{street}街道" if street and not street.endswith("街道") else street, False),
        ],
    )
    _row(
        flow,
        [
            (LABEL_W, "社区", True),
            (half, values.community_name(addr), False),
            (LABEL_W, "详细地址", True),
            (half, addr.detail, False),
        ],
    )
    _row(flow, [(LABEL_W, "居住地址", True), (WIDTH - LABEL_W, values.address(addr), False)])
    _row(
        flow,
        [
            (LABEL_W, "联系电话", True),
            (half, app.phone, False),
            (LABEL_W, values.photo_number_label(app), True),
            (half, app.photo_number, False),
        ],
    )


def _detail_keys(app: Application) -> list[str]:
    """The detail fields of the chosen condition (and of the student answer), as asked."""
    keys: list[str] = []
    known = {c.key: c for c in codes.conditions()}
    chosen = known.get(app.condition)
    if chosen is not None:
        keys += [*chosen.details, *chosen.first_details]
    if app.student:
        keys += list(codes.student_details())
    keys += [k for k in app.condition_details if k not in keys]
    return keys


def _condition(flow: Flow, app: Application) -> None:
    conds = codes.conditions()
    line = 5.2 * MM
    keys = _detail_keys(app)
    block = (len(conds) + 1) * line + 2 * MM
    dh = 7.5 * MM
    _section(flow, "三、办理条件（勾选一项，所选条件须属实）", block + len(keys) * dh)
    c = flow.canvas
    cell(c, X0, flow.y, LABEL_W, block + len(keys) * dh, "办理条件", SIZE, label=True)
    c.rect(X0 + LABEL_W, flow.y - block, WIDTH - LABEL_W, block)
    y = flow.y - 1 * MM - line + 1.6 * MM
    for cond in conds:
        options(c, X0 + LABEL_W + 2 * MM, y, [(cond.zh, app.condition == cond.key)], 9)
        y -= line
    x = X0 + LABEL_W + 2 * MM
    x += fonts.draw(c, x, y, "在深圳全日制学校就读的学生：", 9) + 2 * MM
    options(c, x, y, [("是", app.student is True), ("否", app.student is False)], 9)
    flow.y -= block
    for key in keys:
        _row(
            flow,
            [
                (44 * MM, values.labelled("detail_fields", key), True),
                (WIDTH - LABEL_W - 44 * MM, app.condition_details.get(key, ""), False),
            ],
            dh,
            x=X0 + LABEL_W,
        )


def _relatives(flow: Flow, app: Application) -> None:
    h = 6.5 * MM
    widths = (12 * MM, 40 * MM, 40 * MM, 90 * MM)
    _section(flow, "四、同住亲属关系（家庭户可填写，同住家庭成员可享受居住证相关权益）", h * 2)
    heads = ("序号", "姓名", "与申请人关系", "公民身份号码")
    _row(flow, [(w, t, True) for w, t in zip(widths, heads, strict=True)], h)
    for i in range(max(2, len(app.relatives))):
        flow.need(h)
        rel = app.relatives[i] if i < len(app.relatives) else None
        texts = (
            (str(i + 1), rel.name, values.labelled("relationships", rel.relation), rel.id_number)
            if rel
            else (str(i + 1), "", "", "")
        )
        _row(flow, [(w, t, False) for w, t in zip(widths, texts, strict=True)], h)


def fee_text(book: RuleBook) -> str:
    """The card-fee line from the rules data (a first application pays none, says the guide)."""
    fee = book.card_fee("application")
    if fee is None:
        return "以窗口告知为准"
    return "首次申领不收取证件工本费" if fee == 0 else f"{fee}元"


def _collection(flow: Flow, app: Application, book: RuleBook) -> None:
    """The 受理点 the applicant chose for collecting the permit (by default, their street's)."""
    code = app.collection_point or app.acceptance_point
    _section(flow, "五、领证受理点（申请人选定，领证时到此受理点）", 3 * ROW)
    rest = WIDTH - LABEL_W
    _row(
        flow,
        [
            (LABEL_W, "受理点", True),
            (rest - 40 * MM, values.point_name(code), False),
            (14 * MM, "代码", True),
            (26 * MM, code, False),
        ],
    )
    _row(flow, [(LABEL_W, "地址", True), (rest, values.point_address(code), False)])
    _row(
        flow,
        [
            (LABEL_W, "办公时间", True),
            (rest / 2, values.point_hours(code), False),
            (LABEL_W, "证件工本费", True),
            (rest / 2 - LABEL_W, fee_text(book), False),
        ],
    )


def _signatures(flow: Flow, app: Application) -> None:
    signed = app.submitted_at.date() if app.submitted_at else None
    signature_block(flow, X0, WIDTH, app.signature_png, values.date_zh(signed), SIZE)


def _footer(canvas: Canvas, app: Application, pages: int) -> None:
    printed = values.stamp(clock.now())
    text = (
        f"自助终端 {app.acceptance_point}-{app.kiosk_id} 打印于 {printed}  ·  "
        f"本表一式一份，由受理点留存  ·  共{pages}页"
    )
    fonts.draw(canvas, X0 + WIDTH / 2, 8 * MM, text, 7.5, align="center")
    fonts.draw(canvas, X0 + WIDTH / 2, 4.5 * MM, LAYOUT_NOTE, 7.5, align="center")
