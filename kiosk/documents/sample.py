"""A complete, made-up application for every service: for demos, training, tests and the bench.

Every field the service's journey asks is filled (identity, addresses, the 办理条件 and student
answer for replacement and exchange, relatives, changes, photo and signature) and nothing it does
not ask; no material is confirmed as in hand (``confirmed=True`` confirms them all). ID numbers are
valid (GB 11643 check character) but invented, and the photo is the shipped sample ID photo.
Nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import uuid

from PIL import Image, ImageDraw

from kiosk import resources
from kiosk.domain import clock, idnumber
from kiosk.domain.application import Address, Application, ChangeItem, Permit, Relative
from kiosk.domain.identity import IdentityCard
from kiosk.domain.rules import SERVICES, office_rulebook
from kiosk.storage.numbering import application_number, queue_number

SAMPLE_NAMESPACE = uuid.UUID("6f1b1c2e-5a43-4f0e-9d0e-2f5b8a1c0d11")


def signature_png(width: int = 600, height: int = 200) -> bytes:
    """A handwriting-like scribble (black on transparent), as a signature pad would give."""
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    strokes = []
    for s in range(3):  # three "characters", each a looping stroke
        x0 = 60 + s * 170
        pts = []
        for i in range(60):
            t = i / 59
            x = x0 + 120 * t + 22 * math.sin(t * 9 + s)
            y = height / 2 + 55 * math.sin(t * 6.5 + s * 1.7) * (1 - 0.4 * t)
            pts.append((x, y))
        strokes.append(pts)
    for pts in strokes:
        draw.line(pts, fill=(0, 0, 0, 255), width=6, joint="curve")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def photo_jpeg() -> bytes:
    return resources.path("samples", "photos", "applicant.jpg").read_bytes()


def sample_application(
    service: str = "renewal", *, today: dt.date | None = None, confirmed: bool = False
) -> Application:
    """A complete made-up application for ``service`` (one of ``rules.SERVICES``)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    today = today or clock.today()
    now = dt.datetime.combine(today, dt.time(10, 24), tzinfo=clock.SHENZHEN)
    birth = dt.date(1988, 3, 15)
    seq = SERVICES.index(service) + 7
    applicant = IdentityCard(
        card_type="resident",
        name="张晓梅",
        sex="female",
        birth_date=birth,
        id_number=idnumber.make_number("430102", birth, 152),
        ethnic_group="01",
        address="湖南省长沙市芙蓉区示例路88号3栋502房",
        authority="长沙市公安局芙蓉分局",
        valid_from=dt.date(2019, 6, 1),
        valid_to=dt.date(2039, 6, 1),
    )
    expires = today + dt.timedelta(days=10)
    app = Application(
        service=service,
        applicant=applicant,
        acceptance_point="NS02",
        kiosk_id="K01",
        uuid=str(uuid.uuid5(SAMPLE_NAMESPACE, f"{service}-{today.isoformat()}")),
        application_number=application_number("NS02", "K01", today, seq),
        queue_number=queue_number("A", seq),
        status="submitted",
        residence=Address(district="440305", street="粤海", detail="科技园路18号海岸大厦2栋1502室"),
        phone="13800138000",
        condition="employment",
        condition_details={
            "employer_name": "深圳示例科技有限公司",
            "employer_address": "深圳市南山区粤海街道高新南一道6号",
        },
        student=False,
        relatives=[
            Relative("李文博", "spouse", idnumber.make_number("430102", dt.date(1986, 11, 2), 171)),
            Relative("李思远", "child", idnumber.make_number("440305", dt.date(2015, 9, 8), 133)),
        ],
        permit=Permit(type="standard", number="SZ20230345678", expires=expires),  # made up
        photo_number="SZ" + today.strftime("%y%m%d") + "A7K3Q9",
        photo_number_source="kiosk",
        photo_jpeg=photo_jpeg(),
        signature_png=signature_png(),
        created_at=now - dt.timedelta(minutes=9),
        submitted_at=now,
    )
    rulebook = office_rulebook()
    if service == "renewal":
        app.new_expiry = rulebook.extended_expiry(app.permit.type, expires)
    if service == "replacement":
        app.replacement_reason = "lost"
    if service == "exchange":
        app.permit.expires = dt.date(today.year + 3, 8, 31)
    if service == "change":
        app.changes = [
            ChangeItem(
                "residence_address",
                "深圳市南山区粤海街道科苑路3号1201室",
                "深圳市南山区粤海街道科技园路18号海岸大厦2栋1502室",
                "搬家",
            ),
            ChangeItem("employer", "深圳旧例贸易有限公司", "深圳示例科技有限公司", "更换工作单位"),
        ]
    if service == "correction":
        app.changes = [
            ChangeItem("name", "张小梅", "张晓梅", "登记时录入错误，以身份证为准"),
        ]
    if service not in ("replacement", "exchange"):  # their journeys ask no 办理条件
        app.condition, app.condition_details, app.student = "", {}, None
    if service not in ("renewal", "exchange"):  # nor which permit it is, nor its expiry
        app.permit.type, app.permit.expires = "", None
    if service == "renewal":
        app.relatives = []  # the renewal keeps the registered household
    if confirmed:
        app.materials = list(rulebook.materials_for(service))
    return app
