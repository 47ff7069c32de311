"""The running kiosk's sync worker against a real hub process: the top-bar mark follows the hub,
an application submitted while it is down reaches it once it is back, and "send now" works."""

from __future__ import annotations

import random

import pytest
from sync_parts import HubProcess, hub_items

from kiosk.config import Config
from kiosk.services.submit import submit_application
from kiosk.sync import enrolment
from kiosk.sync.demo_applications import made_up_application
from kiosk.ui.app import attach_supervisor, build
from kiosk.ui.card_source import DirectCardSource


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_badge_follows_the_hub_and_nothing_waits_for_it(
    qtbot, hub: HubProcess, enrolled: enrolment.Enrolment, fast_sync: Config
) -> None:
    kiosk = build(fast_sync, demo=False, cards=DirectCardSource(), sync=True)
    attach_supervisor(kiosk)
    qtbot.addWidget(kiosk.window)
    kiosk.window.show()
    badge = kiosk.window.sync_badge
    try:
        assert kiosk.window.root.currentWidget() is kiosk.window.applicant  # enrolled: open
        qtbot.waitUntil(lambda: badge.state == "online", timeout=15000)
        assert badge.widget.text() == "● 已联网"
        hub.stop()
        qtbot.waitUntil(lambda: badge.state == "offline", timeout=15000)
        assert "安全保存" in badge.widget.text()
        app = submit_application(
            kiosk.ctx.factory,
            made_up_application(random.Random(11)),
            fast_sync,
            rules=kiosk.ctx.rules,
            enrolled=enrolled,
        ).application
        hub.start()
        kiosk.supervisor.ctx.send_now()  # staff's "send now" skips the back-off wait
        qtbot.waitUntil(lambda: badge.state == "online", timeout=20000)
        qtbot.waitUntil(lambda: [i["uuid"] for i in hub_items(hub)] == [app.uuid], timeout=20000)
    finally:
        kiosk.stop()
