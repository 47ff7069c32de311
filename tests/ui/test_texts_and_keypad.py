"""The words: all in the catalogue, in both languages; and the keypad's pinyin."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kiosk.ui import keypad, texts

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
OTHERS = {
    "supervisor",
    "supervisor_hooks.py",  # supervisor mode's probes: staff words, with supervisor mode's own
    "setup_wizard.py",
    "qt_selfcheck.py",
    "walkthrough.py",
    "applicant.py",
}
CJK = re.compile(r"[\u3400-\u9fff]")


def applicant_modules() -> list[Path]:
    return [p for p in UI.rglob("*.py") if not (set(p.relative_to(UI).parts) & OTHERS)]


def test_no_user_facing_chinese_outside_the_catalogue() -> None:
    offenders = []
    for path in applicant_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and CJK.search(node.value)
            ):
                offenders.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert offenders == []


def test_every_key_used_exists_in_both_languages() -> None:
    catalogue = texts.catalogue()
    assert all(set(v) == {"zh", "en"} and v["zh"] and v["en"] for v in catalogue.values())
    used = set()
    for path in applicant_modules():
        used |= set(re.findall(r"\btr\(\"([a-z_.0-9]+)\"", path.read_text(encoding="utf-8")))
    assert used and used <= set(catalogue), used - set(catalogue)


def test_pinyin_candidates_most_frequent_first() -> None:
    assert keypad.candidates("zhang").index("张") < 5
    assert keypad.split_first("zhangsan") == ("zhang", "san")
    assert "李" in keypad.candidates("li")[:16]
    assert keypad.candidates("zh")  # a partial syllable still offers characters


def test_keypad_types_chinese_into_the_field(qtbot) -> None:
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit()
    edit.setProperty("keypad", "text")
    pad = keypad.Keypad()
    qtbot.addWidget(edit)
    qtbot.addWidget(pad)
    pad.set_target(edit)
    for ch in "LI":
        pad.press(ch)
    pad.choose("李")
    pad.toggle_chinese()
    pad.press("A")
    pad.type_text("1")
    assert edit.text() == "李A1"
    pad.backspace()
    assert edit.text() == "李A"
