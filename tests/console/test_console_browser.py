"""The counter console in a real browser (Debian's Chromium, headless, driven by Selenium)
against a real hub process and a kiosk enrolled to it, whose work runs in kiosk processes of its
own: sign in, a help call arriving and acknowledged, 叫号 on the hall display, a decision that
reaches the kiosk's database, the 受理回执 PDF, the fleet view, the progress page on a phone.

Each console page is photographed (1366x768; the progress page at phone size) into
``$KIOSK_TEST_SCREENSHOTS`` when set (docs/screenshots/ is made that way), else the test folder.
"""

from __future__ import annotations

import io
import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from console_parts import PASSWORD, Hub, kiosk_cli, kiosk_process
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

import kiosk
from kiosk.config import Config
from kiosk.domain.rules import RuleBook
from kiosk.services.submit import submit_application
from kiosk.storage.db import open_database
from kiosk.storage.models import ApplicationRow, HelpCall
from kiosk.sync import enrolment
from kiosk.sync.demo_applications import made_up_application, sample_photo

RAISE = """
import json
from kiosk.config import Config
from kiosk.services.help_calls import HelpDesk
from kiosk.storage.db import open_database
from kiosk.sync import enrolment
raised = HelpDesk(open_database(), Config.load(), enrolment.load).raise_call("renewal.photo")
print(json.dumps({"id": raised.id, "uuid": raised.uuid, "state": raised.state}))
"""
STATE = """
from kiosk.config import Config
from kiosk.services.help_calls import HelpDesk, Raised
from kiosk.storage.db import open_database
from kiosk.sync import enrolment
print(HelpDesk(open_database(), Config.load(), enrolment.load).state(Raised({id}, "{uuid}", "sent")))
"""


def chromium(width: int = 1366, height: int = 768) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",  # tests run as root in CI containers
        "--disable-dev-shm-usage",
        "--lang=zh-CN",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    )


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KIOSK_TEST_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _text(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def test_counter_console_in_a_browser(
    hub: Hub,
    enrolled: enrolment.Enrolment,
    config: Config,
    browser: webdriver.Chrome,
    shots: Path,
) -> None:
    factory = open_database()
    app = submit_application(
        factory,
        made_up_application(random.Random(7), photo=sample_photo()),
        config,
        rules=RuleBook.load(),
        enrolled=enrolled,
    ).application
    assert kiosk_cli("sync", "run", "--once").returncode == 0  # the hub holds it now
    wait = WebDriverWait(browser, 5)

    # signed out: any console page leads to the sign-in form
    browser.get(hub.url + "/console/queue")
    assert browser.current_url == hub.url + "/console/"
    assert browser.find_element(By.ID, "password").get_attribute("type") == "password"
    browser.save_screenshot(str(shots / "console-sign-in.png"))
    browser.find_element(By.ID, "user").send_keys("lin")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in").click()
    wait.until(lambda d: d.current_url.endswith("/console/help"))
    assert browser.find_element(By.ID, "no-calls")

    # a help call from a kiosk process reaches the open page within 2 s, without a reload
    raised = json.loads(kiosk_process(RAISE))
    assert raised["state"] == "sent"
    sent_at = time.monotonic()
    row = WebDriverWait(browser, 2.0, poll_frequency=0.05).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'[data-call="{raised["uuid"]}"]')
    )
    arrived = time.monotonic() - sent_at
    assert arrived < 2.0
    assert "K07" in row.text and "renewal.photo" in row.text
    browser.save_screenshot(str(shots / "console-help.png"))
    row.find_element(By.CSS_SELECTOR, "button.ack").click()
    wait.until(lambda d: d.find_elements(By.ID, "no-calls"))
    # the kiosk asks: staff have it (its overlay then says 工作人员已收到)
    code = STATE.replace("{id}", str(raised["id"])).replace("{uuid}", raised["uuid"])
    assert kiosk_process(code) == "acknowledged"
    with factory() as session:
        call = session.get(HelpCall, raised["id"])
        assert call is not None and call.resolved_by == "counter"

    # 叫号: the hall display (its own browser, as the TV) shows the call within 2 s
    display = chromium(1920, 1080)
    try:
        display.get(hub.url + "/display/FT01")
        browser.find_element(By.ID, "nav-queue").click()
        wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-number="{app.application_number}"]')
        )
        browser.save_screenshot(str(shots / "console-queue.png"))
        browser.find_element(By.CSS_SELECTOR, "#window option[value='3']").click()
        browser.find_element(By.ID, "call-next").click()
        called_at = time.monotonic()
        expected = f"请 {app.queue_number} 到 3 号窗口"
        WebDriverWait(display, 2.0, poll_frequency=0.05).until(
            lambda d: d.find_element(By.ID, "call-zh").text == expected
        )
        assert time.monotonic() - called_at < 2.0
        assert f"{app.queue_number}" in display.find_element(By.ID, "call-en").text
        page = _text(display)
        assert app.applicant.name not in page and app.applicant.id_number[-4:] not in page
        display.save_screenshot(str(shots / "display.png"))
    finally:
        display.quit()

    # the detail, decrypted on the hub, with the photo; approve it
    browser.find_element(
        By.CSS_SELECTOR, f'[data-number="{app.application_number}"] a.open'
    ).click()
    wait.until(lambda d: d.find_elements(By.ID, "decide-form"))
    photo = browser.find_element(By.ID, "photo")
    assert browser.execute_script("return arguments[0].naturalWidth", photo) > 0
    page = _text(browser)
    assert app.applicant.name in page and app.applicant.id_number not in page  # ID masked
    browser.save_screenshot(str(shots / "console-case.png"))
    browser.find_element(By.ID, "approve").click()
    wait.until(lambda d: d.find_elements(By.ID, "decided"))
    assert "审核通过" in browser.find_element(By.ID, "decided").text

    # the 受理回执 through kiosk.documents, as PDF
    cookie = browser.get_cookie("kh_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    link = browser.find_element(By.ID, "receipt").get_attribute("href")
    with httpx.Client(cookies={"kh_session": cookie["value"]}) as client:
        pdf = client.get(str(link))
        assert pdf.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "受理回执" in text and app.application_number in text and "审核通过" in text
        # a POST without the form's CSRF token is refused, signed in or not
        refused = client.post(hub.url + "/console/call", data={"window": "3", "action": "next"})
        assert refused.status_code == 403

    # the decision reaches the kiosk on its next contact; supervisor mode reads this row
    assert kiosk_cli("sync", "run", "--once").returncode == 0
    with factory() as session:
        row_status = session.execute(
            select(ApplicationRow.status, ApplicationRow.decided_by).where(
                ApplicationRow.uuid == app.uuid
            )
        ).one()
    assert tuple(row_status) == ("approved", "hub:lin")

    # the fleet: the kiosk's version as it said it, its outbox, its audit chain
    browser.find_element(By.ID, "nav-fleet").click()
    fleet_row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-kiosk="K07"]'))
    assert kiosk.__version__ in fleet_row.text
    assert "一致" in fleet_row.text or "未知" in fleet_row.text
    browser.save_screenshot(str(shots / "console-fleet.png"))
    browser.find_element(By.ID, "switch-lang").click()
    wait.until(lambda d: "Every kiosk" in _text(d))
    browser.save_screenshot(str(shots / "console-fleet-en.png"))

    # the applicant's phone: status only
    with factory() as session:
        form = session.execute(
            select(ApplicationRow.form).where(ApplicationRow.uuid == app.uuid)
        ).scalar_one()
    browser.set_window_size(390, 844)
    browser.get(hub.url + "/p/" + form["progress_token"] + "?lang=zh")
    assert browser.find_element(By.ID, "progress-status").text == "审核通过"
    page = _text(browser)
    assert app.applicant.name not in page and app.phone not in page
    browser.save_screenshot(str(shots / "progress.png"))
