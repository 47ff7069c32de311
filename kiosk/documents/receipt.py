"""The official 受理回执, printed by staff from supervisor mode after review.

The same data as the applicant's slip, plus the review result, the staff member's id, and when
and where to collect the permit (approved) or what to bring back (materials requested). A renewal
issues no new card: approved, it is done, with its new expiry date and no collection date. The
collection date of the other services counts the working days the office set in rules.toml
(``[collection]``, an office rule) unless staff give a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PIL import Image

from kiosk.documents import slip, values
from kiosk.documents.ticket import BODY, Field, Rule, Text, Ticket, render_pdf, render_raster
from kiosk.domain import clock
from kiosk.domain.application import Application
from kiosk.domain.rules import office_rulebook

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
    "renewal_done": (
        "审核通过即办理完成，无需领取新证。",
        "Approved: the renewal is done. There is no new card to collect.",
    ),
    "registration_done": (
        "审核通过，居住登记已完成。",
        "Approved: your residence registration is done.",
    ),
    "collect_ask": ("领证日期请咨询窗口", "Ask at the counter when to collect"),
    "bring": (
        "领证时请携带本回执和居民身份证原件。",
        "Bring this receipt and your ID card to collect the permit.",
    ),
    "come_back": (
        "请按说明补齐材料后，凭本回执到本受理点继续办理。",
        "Bring the missing materials with this receipt to this acceptance point.",
    ),
    "official": ("本回执为受理凭证，请妥善保管。", "This is your official receipt; keep it safe."),
}


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


def collection_date(service: str, approved_on: dt.date) -> dt.date | None:
    """When the new permit can be collected, from the office's rules; None for a renewal (no new
    card) or when the office has not set a number of days."""
    days = office_rulebook().collection_days(service)
    return working_days_after(approved_on, days) if days else None


def default_review(staff_id: str, result: str = "approved", service: str = "") -> Review:
    """A review made now; the collection date comes from the rules when ``service`` is given
    (else the receipt counts it from the rules when it is printed)."""
    now = clock.now()
    collect = collection_date(service, now.date()) if result == "approved" and service else None
    return Review(result, staff_id, now, collect)


def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def build(app: Application, review: Review, lang: str = "zh") -> Ticket:
    t = slip.slip_ticket(app, lang, title_key="title")
    t.title = _w("title", lang)
    t.blocks[1] = Text(_w("title", lang), 6.5, bold=True, align="center")
    t.blocks[2] = Text(_w("official", lang), BODY, align="center")
    zh, en = RESULTS[review.result]
    t.add(
        Field(_w("result", lang), en if lang == "en" else zh, bold=True),
        Field(_w("staff", lang), review.staff_id),
        Field(_w("reviewed", lang), values.stamp(review.reviewed_at, lang)),
    )
    if review.note:
        t.add(Field(_w("note", lang), review.note))
    if review.result == "approved" and app.service == "renewal":
        t.add(Text(_w("renewal_done", lang), bold=True))
        if app.new_expiry:
            t.add(Field(_w("new_expiry", lang), values.date(app.new_expiry, lang), bold=True))
    elif review.result == "approved" and app.service == "registration":  # no permit to collect
        t.add(Text(_w("registration_done", lang), bold=True))
    elif review.result == "approved":
        # a first application: the 受理点 the applicant chose for collecting
        point = review.collection_point or app.collection_point or app.acceptance_point
        collect = review.collection_date or collection_date(app.service, review.reviewed_at.date())
        when = values.date(collect, lang) if collect else _w("collect_ask", lang)
        t.add(
            Field(_w("collect_date", lang), when, bold=True),
            Field(_w("collect_place", lang), values.point_name(point, lang)),
        )
        if lang != "en":  # the office's address is official Chinese; English gets the name only
            t.add(Text(values.point_address(point)))
        t.add(Rule(), Text(_w("bring", lang)))
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
