"""Nothing chosen for the applicant, materials before anything else, a bad card said as such.

Real widgets offscreen: every choice screen of every journey is reached through the state machine
and must start with no choice made (the permit type, a fact printed on the permit, excepted);
"next" without a choice asks for one; replacement and exchange check eligibility; the service's
first screen lists its materials from the rules and marks only what the applicant taps; a card
whose data do not hold together, laid on the simulated reader, is said to be unreadable with the
help button at hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.config import Config
from kiosk.devices.idcard import cardparse, samples
from kiosk.documents import values
from kiosk.domain import codes
from kiosk.ui.app import build
from kiosk.ui.applicant import Applicant, Recorder, pump
from kiosk.ui.applicant import route as nearest
from kiosk.ui.card_source import ReaderCardSource
from kiosk.workflows import journeys

CHOICE_SCREENS = (
    "reason",
    "condition",
    "apply_condition",
    "changes",
    "relatives",
    "address",
    "residence",
    "living",
    "permit",
)
FACTS = {"standard", "temporary"}  # the permit type may default to 《深圳市居住证》, shown plainly


def chosen(a: Applicant) -> list[str]:
    """The choice and tick buttons shown as chosen on the current screen."""
    return [
        str(b.property("choice"))
        for b in a._visible_buttons()
        if b.isCheckable() and b.isChecked() and b.property("choice") is not None
    ]


def shown_text(a: Applicant) -> str:
    root = a.window.stack.currentWidget()
    labels = [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(a.window)]
    return " ".join(labels)


def reach(kiosk, journey: journeys.Journey, step: str) -> None:
    """Through the machine's own edges from the welcome screen, with a card on the reader."""
    ctx = kiosk.ctx
    ctx.go("next")
    ctx.go(journey.key)
    ctx.go("next")  # consent
    pump()
    ctx.cards.place("resident")
    pump()
    path = nearest(
        kiosk.window.machine.edges, kiosk.window.machine.current(), {journey.state(step)}
    )
    assert path is not None, step
    for trigger in path:
        ctx.go(trigger)
    pump()
    assert kiosk.window.state == journey.state(step)


def test_no_choice_screen_of_any_journey_starts_with_a_choice_made(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    seen = 0
    for journey in journeys.JOURNEYS.values():
        for step in journey.steps:
            if step.screen not in CHOICE_SCREENS:
                continue
            reach(kiosk, journey, step.key)
            made = [c for c in chosen(a) if c not in FACTS]
            assert made == [], (journey.key, step.key, made)
            if step.screen == "permit":  # the fact is shown plainly, and can be changed
                assert chosen(a) == ["standard"]
            seen += 1
            kiosk.ctx.go("cancel")
            pump()
            assert kiosk.window.state == "welcome"
    # every journey's choice screens: renewal 3, replacement 4, exchange 4, change 2, correction 1
    assert seen >= 14


def test_the_first_screen_of_every_service_ticks_no_material(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    for service in journeys.APPLICATION_SERVICES:
        a.tap(text_key="welcome.start")
        a.tap(choice=service)
        assert kiosk.window.state == f"{service}.consent"
        assert chosen(a) == []
        keys = {
            str(b.property("choice"))
            for b in a._visible_buttons()
            if str(b.property("choice")).startswith("material_")
        }
        expected = {
            f"material_{k}"
            for k in values.materials_for_service(service)
            if k not in ("form", "change_proof", "correction_proof") and not k.startswith("proof_")
        }
        assert keys == expected, service
        # the proof named per change item, in words an applicant can act on
        for key in values.materials_for_service(service):
            if key.startswith("proof_"):
                assert codes.materials()[key].zh in shown_text(a), key
        assert a.texts.tr("consent.agree") in [b.text() for b in a._visible_buttons()]
        kiosk.ctx.go("cancel")
        pump()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_next_without_a_choice_asks_for_one(make_kiosk, lang: str) -> None:
    kiosk = make_kiosk(camera=False, **{"kiosk.language": lang})
    a = Applicant(kiosk.window)
    reach(kiosk, journeys.REPLACEMENT, "reason")
    a.next()
    assert kiosk.window.state == "replacement.reason"
    assert a.texts.tr("reason.need") in shown_text(a)
    a.tap(choice="damaged")
    assert chosen(a) == ["damaged"]
    kiosk.ctx.go("cancel")
    pump()
    reach(kiosk, journeys.EXCHANGE, "condition")
    a.next()
    assert kiosk.window.state == "exchange.condition"
    assert a.texts.tr("condition.need") in shown_text(a)
    a.tap(choice="property")
    a.next()
    assert kiosk.window.state == "exchange.condition"  # the student question is not answered
    assert a.texts.tr("condition.need_student") in shown_text(a)
    kiosk.ctx.go("cancel")
    pump()
    reach(kiosk, journeys.CHANGE, "changes")
    a.next()
    assert a.texts.tr("changes.none") in shown_text(a)


def test_none_of_the_above_does_not_pass_silently(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    born = samples.load("resident").birth_date
    assert dt.date.today().year - born.year < 60  # the sample applicant needs a condition
    for journey in (journeys.REPLACEMENT, journeys.EXCHANGE):
        reach(kiosk, journey, "condition")
        a.tap(choice="none")
        a.tap(choice="student_no")
        a.next()
        assert kiosk.window.state == journey.state("not_eligible")
        assert "60" in shown_text(a)  # the rule's own reason is said
        kiosk.ctx.go("back")  # a wrong choice tapped: choose again
        pump()
        assert kiosk.window.state == journey.state("condition")
        kiosk.ctx.go("cancel")
        pump()


def test_a_material_is_marked_only_when_tapped_and_reaches_the_application(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    a.tap(choice="material_permit")
    assert chosen(a) == ["material_permit"]
    a.tap(choice="material_id_card")
    a.tap(choice="material_id_card")  # changed their mind
    assert kiosk.ctx.visit.materials == ["permit"]
    kiosk.ctx.visit.card = samples.load("resident")
    app = kiosk.ctx.visit.to_application("FT01", "K01")
    assert [k for k, confirmed in values.materials_to_bring(app) if confirmed] == ["permit"]


def _bad_text() -> bytes:
    card = samples.load("resident")
    wrong = card.id_number[:-1] + ("0" if card.id_number[-1] != "0" else "1")
    return cardparse.build_text(dataclasses.replace(card, id_number=wrong))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_card_with_bad_data_is_said_unreadable_with_the_help_button(qtbot, lang: str) -> None:
    config = Config.load().with_values(**{"kiosk.language": lang})
    cards = ReaderCardSource(config, simulate=True)
    kiosk = build(config, demo=True, cards=cards)
    try:
        kiosk.window.resize(1280, 860)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitUntil(lambda: kiosk.window.state == "welcome")
        a = Applicant(kiosk.window)
        a.tap(text_key="welcome.start")
        a.tap(choice="renewal")
        a.next()
        assert kiosk.window.state == "renewal.card"
        assert cards.simulator is not None
        cards.simulator.place("resident", text=_bad_text())
        qtbot.waitUntil(lambda: a.texts.tr("card.bad_data") in shown_text(a), timeout=10_000)
        assert kiosk.window.state == "renewal.card"  # not read, and not "no card" either
        assert kiosk.ctx.visit.card is None
        help_button = a.button(choice="bad_data_help")
        assert isinstance(help_button, QPushButton)
        a.tap(help_button)
        assert kiosk.window.overlay.kind == "help"
        kiosk.window.overlay.close_overlay()
        # the good card laid on the reader afterwards is read as usual
        cards.simulator.place("resident")
        qtbot.waitUntil(lambda: kiosk.window.state == "renewal.permit", timeout=10_000)
    finally:
        kiosk.stop()


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _applicants_own(visit) -> list[str]:
    """What the applicant said or the card says: the only Chinese an English screen may show."""
    own: list[str] = []
    if visit.card is not None:
        own += [visit.card.name, visit.card.address or "", visit.card.authority or ""]
    own += [visit.residence.detail, visit.typed_name, *visit.condition_details.values()]
    own += [r.name for r in visit.relatives]
    own += [v for c in visit.changes for v in (c.old, c.new, c.reason)]
    return sorted((o for o in own if o), key=len, reverse=True)


@pytest.mark.parametrize("service", journeys.APPLICATION_SERVICES)
def test_english_screens_show_no_chinese_but_the_applicants_own(make_kiosk, service: str) -> None:
    from PySide6.QtWidgets import QLineEdit

    from kiosk.ui.walkthrough import journey

    kiosk = make_kiosk(camera=False, **{"kiosk.language": "en"})
    found: list[tuple[str, str]] = []

    def look(state: str) -> None:
        root = kiosk.window.stack.currentWidget()
        texts = [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(kiosk.window)]
        texts += [b.text() for b in root.findChildren(QPushButton) if b.isVisibleTo(kiosk.window)]
        texts += [e.text() for e in root.findChildren(QLineEdit)]  # typed by the applicant
        own = _applicants_own(kiosk.ctx.visit) + [e.text() for e in root.findChildren(QLineEdit)]
        own = [o for o in own if o] + [
            kiosk.window.texts.tr("lang.name", "zh")
        ]  # "中文" names itself
        for text in texts:
            for value in sorted(own, key=len, reverse=True):
                text = text.replace(value, "")
            if CJK.search(text):
                found.append((state, text))

    recorder = Recorder(kiosk.window, on_screen=look)
    journey(Applicant(kiosk.window), service, photo="type")
    recorder.detach()
    assert found == []


HALF_WIDTH = re.compile(r"[,;()?!]|(?<!\d):(?!\d|//)")


def _zh_texts() -> list[tuple[str, str]]:
    import tomllib

    from kiosk import resources

    out: list[tuple[str, str]] = []
    for name in ("ui", "supervisor"):
        data = tomllib.loads(resources.path("translations", f"{name}.toml").read_text("utf-8"))
        out += [(f"{name}:{k}", v["zh"]) for k, v in data.items() if isinstance(v, dict)]
    for table in ("conditions", "materials", "relationships", "change_items", "services"):
        for key, value in tomllib.loads(resources.path("data", "codes.toml").read_text("utf-8"))[
            table
        ].items():
            out.append((f"codes:{table}.{key}", value["zh"]))
    from kiosk.domain.rules import RuleBook

    out += [(f"rules:{r.path}", r.zh) for r in RuleBook.load().office_rules]
    return out


def test_chinese_texts_use_full_width_punctuation() -> None:
    wrong = []
    for where, text in _zh_texts():
        bare = re.sub(r"\{[^}]*\}", "", text)  # placeholders are code, not words
        if CJK.search(bare) and HALF_WIDTH.search(bare):
            wrong.append((where, text))
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "days", "said"), [("zh", 3, "确认送达3天后"), ("en", 1, "1 day after")]
)
def test_the_retention_promise_states_what_retention_does(
    make_kiosk, lang: str, days: int, said: str
) -> None:
    """The days are the kiosk's own ``sync.retention_days``, the ones kiosk.sync.retention uses."""
    kiosk = make_kiosk(camera=False, **{"kiosk.language": lang, "sync.retention_days": days})
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    text = shown_text(a)
    assert said in text
    assert ("打印用的文件打印后即删除" if lang == "zh" else "print files are deleted") in text
