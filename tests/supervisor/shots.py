"""Grab every supervisor screen offscreen to PNG (for people to look at), e.g.

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/supervisor/shots.py /tmp/supervisor-shots [en]
SHOT_SIZE=1366x768 QT_QPA_PLATFORM=offscreen .venv/bin/python tests/supervisor/shots.py /tmp/s zh

The zh shots at 1920x1080 are kept as docs/screenshots/supervisor-<page>.png (docs/supervisor.md).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-shots-")

from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.domain.rules import RuleBook
from kiosk.services import decisions, help_calls, staff, submit
from kiosk.storage.db import open_database
from kiosk.storage.models import OutboxEntry, PrintJob
from kiosk.sync import demo_applications, outbox
from kiosk.sync.crypto import demo_recipient
from kiosk.ui.kit import Runner, Texts
from kiosk.ui.supervisor.common import SupervisorContext
from kiosk.ui.supervisor.probes import simulated_probes
from kiosk.ui.supervisor.window import PAGES, SupervisorArea


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/supervisor-shots")
    lang = sys.argv[2] if len(sys.argv) > 2 else "zh"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    factory = open_database()
    width, height = (int(v) for v in os.environ.get("SHOT_SIZE", "1920x1080").split("x"))

    texts, runner = Texts(lang), Runner()  # one kiosk's words and runner, as kiosk/ui/app.py makes

    def settle() -> None:
        runner.wait(5000)  # device probes run in the runner's threads
        app.processEvents()

    first = SupervisorArea(
        SupervisorContext(factory=factory, demo=False, texts=texts, runner=runner)
    )
    first.resize(width, height)
    first.show()
    first.start()
    settle()
    first.grab().save(str(out / f"{lang}-00-first-run.png"))
    first.close()
    rng = random.Random(3)
    for _ in range(6):
        submit.submit_application(
            factory,
            demo_applications.made_up_application(rng),
            Config.load(overrides={"sync.demo": True}),
            rules=RuleBook.load(),
            enrolled=None,
        )
    with factory.begin() as session:
        admin = staff.add_first_admin(session, "admin", "张管理", "246810")
        staff.add_staff(session, admin.actor, "wang", "王晓明", "staff", "135792")
        rules, demo = RuleBook.load(), demo_recipient()
        decisions.decide(session, admin.actor, 2, "approve", rules=rules, recipient=demo)
        decisions.decide(
            session,
            admin.actor,
            3,
            "reject",
            reason_code="photo_unusable",
            rules=rules,
            recipient=demo,
        )
        help_calls.raise_help_call(session, "renewal.photo")
        help_calls.raise_help_call(session, "replacement.reason")
        session.add(
            PrintJob(
                document="form", printer="folder", path="form.pdf", state="printed", attempts=1
            )
        )
        session.add(
            PrintJob(
                document="slip",
                printer="receipt-usb",
                path="slip.bin",
                state="held",
                attempts=3,
                last_error="paper_out: the receipt printer is out of paper",
            )
        )
        entry = session.query(OutboxEntry).order_by(OutboxEntry.id).first()
        if entry is not None:
            entry.demo = False  # pretend the hub refused one, so the list has a row
            outbox.quarantine(session, entry.id, "schema 3 not accepted")
    ctx = SupervisorContext(
        factory=factory, demo=True, probes=simulated_probes(), texts=texts, runner=runner
    )
    area = SupervisorArea(ctx)
    area.resize(width, height)
    area.show()
    area.start()
    area.pinpad.select("admin")
    for k in "2468":
        area.pinpad.press(k)
    settle()
    area.grab().save(str(out / f"{lang}-01-pinpad.png"))
    with factory.begin() as session:
        result = staff.authenticate(session, "admin", "246810", 15)
    area._logged_in(result.account)
    for i, key in enumerate((*PAGES, "leave"), start=2):
        page = area.show_page(key)
        if key == "review":
            page.table.selectRow(len(page._rows) - 1)
        settle()
        area.grab().save(str(out / f"{lang}-{i:02d}-{key}.png"))
    page.arm("shutdown")  # the leave page, asking for the second tap
    settle()
    area.grab().save(str(out / f"{lang}-21-leave-confirm.png"))
    for n, kind in ((20, "reject"), (22, "request_materials")):
        page = area.show_page("review")
        page.table.selectRow(len(page._rows) - 1)
        page._panel(kind)
        settle()
        area.grab().save(str(out / f"{lang}-{n}-review-{kind.split('_')[-1]}.png"))
    print(out)


if __name__ == "__main__":
    main()
