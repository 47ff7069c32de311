"""The on-screen keyboard: digits, letters, and pinyin for Chinese, drawn as big Qt widgets.

Qt Virtual Keyboard works offscreen but opens its own top-level window and logs a warning under
the offscreen platform, so the kiosk draws its own keys. Chinese is entered by pinyin: letters
collect in a composition line, the candidate bar shows whole words and phrases for them, the
most common first (``kiosk.ime.pinyin``: ``shenzhen`` → 深圳), then words and characters for
their first part; tapping one enters it and consumes the letters it stands for. Nothing is
learnt or stored: there is no user dictionary to clear between visits.

Every character goes to the target field as a real ``QKeyEvent``, so the application-wide
counter sees on-screen and physical typing the same way. Keys never take focus.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk import resources
from kiosk.ime import lexicon, pinyin
from kiosk.ime.pinyin import Candidate
from kiosk.ui.handwriting_pad import HandwritingPad
from kiosk.ui.texts import Texts

LETTER_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
PAGE = 8


@cache
def pinyin_table() -> dict[str, str]:
    table = {}
    for line in resources.path("data", "pinyin.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, chars = line.split("\t")
            table[syllable] = chars
    return table


def split_first(composition: str) -> tuple[str, str]:
    """The longest leading syllable of the composition, and the rest (``zhangsan`` → zhang, san)."""
    table = pinyin_table()
    for end in range(min(6, len(composition)), 0, -1):
        if composition[:end] in table:
            return composition[:end], composition[end:]
    return composition, ""


def candidates(composition: str) -> list[str]:
    """Whole words and phrases first, the most common first (``kiosk.ime.pinyin``), then the
    characters of the first syllable: ``shenzhen`` offers 深圳 for one tap."""
    return [c.text for c in word_candidates(composition)]


def word_candidates(composition: str) -> list[Candidate]:
    found = pinyin.candidates(composition, limit=400)  # every character of a syllable
    if found:
        return found
    first, _rest = split_first(composition)
    return [Candidate(ch, len(first)) for ch in syllable_characters(composition)]


def candidate_pages(found: list[Candidate], room: int = 14) -> list[list[Candidate]]:
    """Pages for the candidate bar: at most PAGE keys and about ``room`` characters each, so
    long phrases never push the bar wider than the keyboard."""
    pages: list[list[Candidate]] = [[]]
    for cand in found:
        page = pages[-1]
        if page and (len(page) == PAGE or sum(len(c.text) for c in page) + len(cand.text) > room):
            pages.append(page := [])
        page.append(cand)
    return pages if pages[0] else []


def syllable_characters(composition: str) -> str:
    """Characters for the first syllable; a partial syllable offers every syllable it begins."""
    table = pinyin_table()
    first, _rest = split_first(composition)
    if first in table:
        return table[first]
    merged = "".join(chars for syl, chars in sorted(table.items()) if syl.startswith(first))
    return merged


def _key(text: str, name: str = "key", wide: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    if wide:  # a word, not a letter: as wide as its word needs (the style sheet pads it)
        button.setProperty("wide", True)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setProperty("keyboardKey", True)  # not a "tap" for the walkthrough counts
    button.setAutoRepeat(name == "key" and text == "⌫")
    return button


class Keypad(QWidget):
    """Keys for one target field. ``mode``: digits, letters (A-Z, 0-9) or text (pinyin + ABC)."""

    modeChanged = Signal(str)
    hideRequested = Signal()  # the applicant tapped "hide keyboard"

    def __init__(
        self,
        parent: QWidget | None = None,
        chinese: bool = True,
        hideable: bool = False,
        texts: Texts | None = None,
    ):
        super().__init__(parent)
        self.texts = texts or Texts()
        self.setObjectName("keypad")
        self.target: QLineEdit | None = None
        self.mode = "digits"
        self.chinese = chinese  # text fields start in pinyin (Chinese UI) or plain letters
        self.hideable = hideable
        self.composition = ""
        self.page = 0
        self.writing = False  # the handwriting pad instead of the letter keys (Chinese text)
        lexicon.warm_up()  # the word list loads in the background, not on the first key press
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(8, 8, 8, 8)
        self.box.setSpacing(8)
        self.inner: QWidget | None = None

    def set_target(self, field: QLineEdit | None) -> None:
        self.target = field
        self.composition = ""
        mode = str(field.property("keypad") or "text") if field is not None else "digits"
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.composition, self.page = "", 0
        self._rebuild()
        self.modeChanged.emit(mode)

    # -- drawing ---------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        if self.inner is not None:
            self.inner.hide()
            self.inner.deleteLater()
        self.inner = QWidget(self)
        layout = QVBoxLayout(self.inner)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        if self.mode == "digits":
            layout.addLayout(self._digits())
        elif self.mode == "text" and self.chinese and self.writing:
            layout.addWidget(self._writing_pad())
        else:
            if self.mode == "text" and self.chinese:
                layout.addLayout(self._candidate_bar())
            layout.addLayout(self._letters())
        self.box.addWidget(self.inner)
        self.inner.show()

    def _digits(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(10)
        for n, label in enumerate("123456789"):
            b = _key(label)
            b.clicked.connect(lambda _=False, t=label: self.type_text(t))
            grid.addWidget(b, n // 3, n % 3)
        clear = _key(self.texts.tr("key.clear"), wide=True)
        clear.clicked.connect(self.clear_target)
        zero = _key("0")
        zero.clicked.connect(lambda: self.type_text("0"))
        back = _key("⌫")
        back.clicked.connect(self.backspace)
        for col, b in enumerate((clear, zero, back)):
            grid.addWidget(b, 3, col)
        for i in range(grid.count()):
            item = grid.itemAt(i)
            key = item.widget() if item is not None else None
            if key is not None:
                key.setMinimumSize(120, 72)
                key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return grid

    def _letters(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        rows.setSpacing(8)
        for n, row in enumerate(LETTER_ROWS):
            line = QHBoxLayout()
            line.setSpacing(8)
            line.addStretch(1)
            for ch in row:
                b = _key(ch)
                b.clicked.connect(lambda _=False, c=ch: self.press(c))
                line.addWidget(b)
            if n == 3:
                back = _key("⌫", wide=True)
                back.clicked.connect(self.backspace)
                line.addWidget(back)
            line.addStretch(1)
            rows.addLayout(line)
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        bottom.addStretch(1)
        if self.mode == "text":
            switch = _key(
                self.texts.tr("key.to_abc") if self.chinese else self.texts.tr("key.to_pinyin"),
                wide=True,
            )
            switch.clicked.connect(self.toggle_chinese)
            bottom.addWidget(switch)
            if self.chinese:
                write = _key(self.texts.tr("key.to_handwriting"), "toHandwriting", wide=True)
                write.clicked.connect(self.toggle_writing)
                bottom.addWidget(write)
        for extra in ("-", "#"):
            b = _key(extra)
            b.clicked.connect(lambda _=False, c=extra: self.type_text(c))
            bottom.addWidget(b)
        space = _key(self.texts.tr("key.space"), wide=True)
        space.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        space.clicked.connect(lambda: self.type_text(" "))
        bottom.addWidget(space, 4)
        clear = _key(self.texts.tr("key.clear"), wide=True)
        clear.clicked.connect(self.clear_target)
        bottom.addWidget(clear)
        if self.hideable:
            hide = _key(self.texts.tr("key.hide"), "hideKeys")
            hide.clicked.connect(self.hideRequested.emit)
            bottom.addWidget(hide)
        bottom.addStretch(1)
        rows.addLayout(bottom)
        return rows

    def _writing_pad(self) -> HandwritingPad:
        pad = HandwritingPad(self.texts)
        pad.chosen.connect(self.type_text)
        pad.backspace.connect(self.backspace)
        pad.keysRequested.connect(self.toggle_writing)
        return pad

    def toggle_writing(self) -> None:
        self.writing = not self.writing
        self.composition, self.page = "", 0
        self._rebuild()

    def _candidate_bar(self) -> QHBoxLayout:
        """The pinyin typed so far and its characters; always one key high, so the keys below
        never move while the applicant types."""
        bar = QHBoxLayout()
        bar.setSpacing(8)
        shown = QLabel(self.composition or self.texts.tr("key.pinyin_hint"))
        shown.setObjectName("note" if not self.composition else "composition")
        shown.setMinimumWidth(170)
        shown.setMinimumHeight(64)
        bar.addWidget(shown)
        pages = candidate_pages(word_candidates(self.composition)) if self.composition else []
        for cand in pages[self.page] if self.page < len(pages) else []:
            b = _key(cand.text, "candidate", wide=len(cand.text) > 1)
            b.clicked.connect(lambda _=False, c=cand: self.take(c))
            bar.addWidget(b)
        bar.addStretch(1)
        if self.page + 1 < len(pages):
            more = _key(self.texts.tr("key.more"), "candidate", wide=True)
            more.clicked.connect(self.next_page)
            bar.addWidget(more)
        return bar

    # -- typing ------------------------------------------------------------------------------------

    def press(self, ch: str) -> None:
        """A letter key: into the pinyin composition in Chinese mode, else straight to the field."""
        if self.mode == "text" and self.chinese and ch.isalpha():
            self.composition += ch.lower()
            self.page = 0
            self._rebuild()
        else:
            self.type_text(ch)

    def choose(self, text: str) -> None:
        """Enter a candidate by its text (the one offered for the current letters)."""
        found = next((c for c in word_candidates(self.composition) if c.text == text), None)
        self.take(found or Candidate(text, len(split_first(self.composition)[0])))

    def take(self, cand: Candidate) -> None:
        """Enter the word and drop the letters it stands for; the rest stay to be typed on."""
        self.type_text(cand.text)
        self.composition, self.page = self.composition[cand.used :], 0
        self._rebuild()

    def next_page(self) -> None:
        self.page += 1
        self._rebuild()

    def toggle_chinese(self) -> None:
        self.chinese = not self.chinese
        self.composition = ""
        self._rebuild()

    def type_text(self, text: str) -> None:
        if self.target is None:
            return
        for ch in text:
            self._send(Qt.Key.Key_unknown if not ch.isdigit() else Qt.Key(ord(ch)), ch)

    def backspace(self) -> None:
        if self.composition:
            self.composition = self.composition[:-1]
            self._rebuild()
            return
        self._send(Qt.Key.Key_Backspace, "")

    def clear_target(self) -> None:
        self.composition = ""
        if self.target is not None:
            self.target.clear()
        if self.mode == "text":
            self._rebuild()

    def _send(self, key: Qt.Key, text: str) -> None:
        assert self.target is not None
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                self.target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            )
