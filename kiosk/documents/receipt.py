"""The official 受理回执, printed by staff from supervisor mode after review.

The same data as the applicant's slip, plus the review result, the staff member's id, and when
and where to collect the permit (approved) or what to bring back (materials requested).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PIL import Image

from kiosk.documents import slip, values
from kiosk.documents.ticket import BODY, Field, Rule, Text, Ticket, render_pdf, render_raster
from kiosk.domain import clock
from kiosk.domain.application import Application

RESULTS = {
    "approved": ("审核通过", "Approved"),
    "materials_requested": ("需补交材料", "More materials needed"),
    "rejected": ("不予受理", "Not accepted"),
}
WORDS = {
    "title": ("受理回执", "Acceptance receipt"),
    "result": ("审核结果", "Review result"),
    "note": ("说明", "Note"),
    "staff": ("受理人工号", "Staff id"),
    "reviewed": ("审核时间", "Reviewed"),
    "collect_date": ("领证日期", "Collect from"),
    "collect_place": ("领证地点", "Collect at"),
    "new_expiry": ("延期后有效期至", "Valid until"),
    "bring": (
        "领证时请携带本回执和居民身份证原件;换领、延期的须交回旧证。",
        "Bring this receipt and your ID card to collect; for an exchange or renewal, hand back the old permit.",
    ),
    "come_back": (
        "请按说明补齐材料后,凭本回执到本受理点继续办理。",
        "Bring the missing materials with this receipt to this acceptance point.",
    ),
    "official": ("本回执为受理凭证,请妥善保管。", "This is your official receipt; keep it safe."),
}
# Working days from review to collection when staff do not give a date (ours; the guide names no number).
DEFAULT_COLLECTION_WORKING_DAYS = 7


@dataclass(frozen=True)
class Review:
    """What staff decided, entered in supervisor mode."""

    result: str  # approved | materials_requested | rejected
    staff_id: str
    reviewed_at: dt.datetime
    collection_date: dt.date | None = None
    collection_point: str | None = None  # acceptance-point code; default: the application's
    note: str = ""

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(
                f"review result must be one of {', '.join(RESULTS)}, not {self.result!r}"
            )
        if not self.staff_id.strip():
            raise ValueError("staff id is required / 须填写受理人工号")


def working_days_after(day: dt.date, days: int) -> dt.date:
    """``days`` Monday-to-Friday days after ``day`` (public holidays are the office's to adjust)."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def default_review(staff_id: str, result: str = "approved") -> Review:
    now = clock.now()
    collect = (
        working_days_after(now.date(), DEFAULT_COLLECTION_WORKING_DAYS)
        if result == "approved"
        else None
    )
    return Review(result, staff_id, now, collect)


def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def build(app: Application, review: Review, lang: str = "zh") -> Ticket:
    t = slip.slip_ticket(app, lang, title_key="title")
    t.title = _w("title", lang)
    t.blocks[1] = Text(_w("title", lang), 5.5, bold=True, align="center")
    t.blocks[2] = Text(_w("official", lang), BODY * 0.9, align="center")
    zh, en = RESULTS[review.result]
    t.add(
        Field(_w("result", lang), en if lang == "en" else zh, bold=True),
        Field(_w("staff", lang), review.staff_id),
        Field(_w("reviewed", lang), values.stamp(review.reviewed_at, lang)),
    )
    if review.note:
        t.add(Field(_w("note", lang), review.note))
    if review.result == "approved":
        point = review.collection_point or app.acceptance_point
        if app.service == "renewal" and app.new_expiry:
            t.add(Field(_w("new_expiry", lang), values.date(app.new_expiry, lang), bold=True))
        t.add(
            Field(_w("collect_date", lang), values.date(review.collection_date, lang), bold=True),
            Field(_w("collect_place", lang), values.point_name(point, lang)),
            Text(values.point_address(point)),
            Rule(),
            Text(_w("bring", lang)),
        )
    elif review.result == "materials_requested":
        t.add(Rule())
        slip.add_materials_and_steps(t, app, lang)
        t.add(Text(_w("come_back", lang), bold=True))
    slip.add_footer(t, app, lang, note_key=None)
    return t


def render_receipt(
    app: Application, review: Review, paper: str = "80mm", lang: str = "zh"
) -> bytes:
    """The 受理回执 as PDF bytes, ``paper`` 80mm or a4."""
    return render_pdf(build(app, review, lang), paper, f"受理回执 {app.application_number}")


def render_receipt_raster(
    app: Application, review: Review, width_dots: int = 576, lang: str = "zh"
) -> Image.Image:
    return render_raster(build(app, review, lang), width_dots)
