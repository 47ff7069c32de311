"""Made-up applicants for ``kiosk demo-data``, tests and the sync bench (never real people).

Names are drawn from common surnames and given-name characters; ID numbers are valid-shaped
(check character right) with a sequence block that marks them as samples (9xx).
"""

from __future__ import annotations

import datetime as dt
import random

from kiosk import resources
from kiosk.domain import clock, idnumber
from kiosk.domain.application import Address, Application, Permit
from kiosk.domain.identity import IdentityCard

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍"
REGIONS = ("430102", "440106", "360102", "420102", "510104", "450102")
STREETS = {"440304": "华强北", "440305": "粤海", "440306": "西乡", "440307": "坂田"}


def sample_photo() -> bytes:
    return resources.path("samples", "photos", "applicant.jpg").read_bytes()


def made_up_application(
    rng: random.Random, *, photo: bytes | None = None, point: str = "FT01", kiosk_id: str = "K01"
) -> Application:
    """A complete renewal application of a made-up person, ready for ``submit_application``."""
    today = clock.today()
    birth = dt.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    sequence = 900 + rng.randint(0, 99)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    card = IdentityCard(
        card_type="resident",
        name=name,
        sex="male" if sequence % 2 else "female",
        birth_date=birth,
        id_number=idnumber.make_number(rng.choice(REGIONS), birth, sequence),
        ethnic_group="汉",
        address="湖南省长沙市示例区演示路" + str(rng.randint(1, 300)) + "号",
        authority="示例市公安局",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2040, 1, 1),
    )
    district = rng.choice(sorted(STREETS))
    return Application(
        service="renewal",
        applicant=card,
        acceptance_point=point,
        kiosk_id=kiosk_id,
        residence=Address(
            district, STREETS[district], f"示例路{rng.randint(1, 99)}号{rng.randint(101, 2999)}房"
        ),
        phone=f"139{rng.randint(0, 99999999):08d}",
        condition="employment",
        condition_details={"employer": "示例科技有限公司"},
        permit=Permit(
            "standard", f"4403{rng.randint(0, 10**10):010d}", today + dt.timedelta(days=7)
        ),
        new_expiry=clock.add_years(today + dt.timedelta(days=7), 10),
        photo_number=f"SZ{rng.randint(0, 10**12):012d}",
        photo_number_source="kiosk",
        photo_jpeg=photo if photo is not None else sample_photo(),
    )
