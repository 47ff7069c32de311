"""Supervisor mode's words: all in resources/translations/supervisor.toml, in both languages.

Also: no Chinese text sits in the code, every key the code asks for exists (literal keys and the
families built with f-strings), and the language is the kiosk's (its Texts), not the process's.
"""

from __future__ import annotations

import ast
import re
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN
from test_supervisor_ui import login, make_area

from kiosk import resources
from kiosk.domain.application import STATUSES
from kiosk.services import settings, staff
from kiosk.ui import texts as ui_texts
from kiosk.ui.supervisor import (
    audit_page,
    counter_page,
    devices_page,
    labels,
    probes,
    review_page,
    settings_page,
    staff_page,
    sync_page,
    window,
)

PACKAGE = Path(window.__file__).resolve().parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # CJK text and punctuation
TR_FUNCTIONS = {"tr", "tr_or", "both", "has"}


def modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def key_arguments() -> Iterator[tuple[str, ast.expr]]:
    """(file:line, first argument) of every tr/tr_or/both/has call in the package."""
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in TR_FUNCTIONS:
                yield f"{path.name}:{node.lineno}", node.args[0]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_file_is_flat_and_every_key_has_both_languages() -> None:
    with resources.path("translations", "supervisor.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    nested = [k for k, v in raw.items() if not isinstance(v, dict) or set(v) != {"zh", "en"}]
    assert nested == [], f"not a {{zh, en}} entry (unquoted dotted key?): {nested}"
    catalogue = ui_texts.catalogue("supervisor")
    assert len(catalogue) > 150
    empty = [k for k, v in catalogue.items() if not (v["zh"].strip() and v["en"].strip())]
    assert empty == []
    mismatched = [k for k, v in catalogue.items() if placeholders(v["zh"]) != placeholders(v["en"])]
    assert mismatched == [], f"zh and en use different placeholders: {mismatched}"
    english_in_chinese = [k for k, v in catalogue.items() if CJK.search(v["en"]) is None]
    assert english_in_chinese  # sanity: most English texts carry no Chinese
    assert not [k for k, v in catalogue.items() if k.startswith("nav.") and not CJK.search(v["zh"])]


def test_every_literal_key_used_in_the_code_exists() -> None:
    catalogue = ui_texts.catalogue("supervisor")
    literal, prefixes, missing = set(), set(), []
    for where, arg in key_arguments():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            literal.add(arg.value)
            if arg.value not in catalogue:
                missing.append(f"{where}: {arg.value!r}")
        elif isinstance(arg, ast.JoinedStr):
            head = arg.values[0]
            prefix = head.value if isinstance(head, ast.Constant) else ""
            prefixes.add(prefix)
            if not any(k.startswith(str(prefix)) for k in catalogue):
                missing.append(f"{where}: f{prefix!r}...")
        # a key held in a variable: the families test below covers those
    assert len(literal) > 60
    assert missing == []


def test_every_key_family_built_at_run_time_exists() -> None:
    catalogue = ui_texts.catalogue("supervisor")
    wanted = {
        *(f"nav.{k}" for k in window.PAGES),
        *(f"leave.{k}" for k in ("exit", "restart", "shutdown")),
        *(f"role.{r}" for r in staff.ROLES),
        *(f"status.{s}" for s in STATUSES),
        *(f"review.col.{c}" for c in review_page.COLUMNS),
        *(f"dev.{k}" for k in probes.KEYS),
        *(f"dev.state.{s}" for s in ("ok", "warning", "error", "unknown", "simulated")),
        *(f"dev.col.{c}" for c in devices_page.JOB_COLUMNS),
        *(f"probe.test.{k}" for k in probes.KEYS),
        *(f"job.doc.{d}" for d in ("form", "slip", "receipt", "test_page")),
        *(
            f"job.state.{s}"
            for s in ("queued", "printing", "printed", "waiting", "held", "cancelled")
        ),
        *(f"sync.{k}" for k in sync_page.COUNTS),
        *(f"sync.col.{c}" for c in sync_page.Q_COLUMNS),
        *(f"sync.kind.{k}" for k in ("application", "decision", "print", "audit_head")),
        *(f"set.group.{g.key}" for g in settings.GROUPS),
        *(f"set.{k}" for k in settings.EDITABLE),
        *(f"set.choice.{v}" for values in settings_page._CHOICES.values() for v in values),
        *(f"audit.col.{c}" for c in audit_page.COLUMNS),
        *(f"staff.col.{c}" for c in staff_page.COLUMNS),
        *counter_page._DOC_KEYS.values(),
    }
    assert sorted(wanted - set(catalogue)) == []


def test_no_chinese_in_the_supervisor_code() -> None:
    offenders = []
    for path in modules():
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if CJK.search(line):
                offenders.append(f"{path.name}:{lineno}: {line.strip()}")
    assert offenders == []


def test_one_catalogue_for_both_skins_and_a_language_per_kiosk() -> None:
    texts, other = ui_texts.Texts("en"), ui_texts.Texts()
    assert texts.tr("nav.review") == "Review" and texts.has("btn.next")  # both catalogues
    assert other.tr("nav.review") == "审核"  # another kiosk's words keep their own language
    assert not set(ui_texts.catalogue("ui")) & set(ui_texts.catalogue("supervisor"))
    texts.set_language("fr")  # anything unknown falls back to Chinese, never raises
    assert texts.language() == "zh"
    assert texts.tr("review.count", n=3) == "共 3 条"
    assert texts.tr("review.count", "en", n=3) == "3 found"
    assert texts.both("probe.simulated") == ("演示模式：模拟设备", "Demo mode: simulated device")
    assert texts.tr_or("status.no_such_status", "raw") == "raw"


def test_probe_results_and_help_calls_come_from_the_catalogue() -> None:
    texts = ui_texts.Texts()
    probe = probes.SimulatedProbe("reader", delay=0)
    assert probe.status().detail_en == texts.tr("probe.simulated", "en")
    assert probe.test().detail_zh == texts.tr("probe.test.reader", "zh")
    assert labels.screen_text(texts, "renewal.photo") == "延期 · 照片"
    texts.set_language("en")
    assert labels.screen_text(texts, "renewal.photo") == "Renewal · Photo"
    assert labels.screen_text(texts, "no_such") == "no_such"  # unknown screens shown as stored


@pytest.mark.gui
def test_leaving_supervisor_mode_gives_the_applicant_screen_its_language_back(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    assert area.texts.language() == "zh"
    login(qtbot, area, "admin", ADMIN_PIN)
    area.toggle_language()
    assert area.texts.language() == "en" and area.heading.text() == "Review"
    with qtbot.waitSignal(area.closed):
        area.close_area()
    assert area.texts.language() == "zh"
