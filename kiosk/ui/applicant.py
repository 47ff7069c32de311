"""A scripted applicant: drives the real UI with mouse events, the way a person taps it.

Used by ``kiosk walkthrough``, the tests and the bench. It only clicks and types through widgets
(buttons, the on-screen keypad, the signature pad) and lays sample cards on the simulated reader;
the counting is done by the application-wide filter (kiosk/ui/activity.py), never here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.ui.keypad import pinyin_table
from kiosk.ui.window import KioskWindow
from kiosk.voice.speaker import Spoken


def route(edges: list[tuple[str, str, str]], start: str, wanted: set[str]) -> list[str] | None:
    """The shortest trigger sequence from ``start`` to any state in ``wanted`` (breadth first)."""
    routes: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here in wanted:
            return routes[here]
        for source, trigger, target in edges:
            if source == here and target != "history" and target not in routes:
                routes[target] = [*routes[here], trigger]
                queue.append(target)
    return None


class ScriptError(RuntimeError):
    """The scripted applicant could not find what a person would tap."""


@dataclass
class ScreenRecord:
    name: str
    taps: int = 0
    typed_characters: int = 0
    seconds: float = 0.0
    spoken: list[str] = field(default_factory=list)  # what the kiosk said on this screen


@dataclass
class Recorder:
    """Per-screen taps, typed characters and time, closed each time a new screen is shown."""

    window: KioskWindow
    on_screen: Callable[[str], None] | None = None
    screens: list[ScreenRecord] = field(default_factory=list)
    _since: float = 0.0

    def __post_init__(self) -> None:
        self.window.screenShown.connect(self._shown)
        self.window.speaker.listeners.append(self._said)
        self.window.activity.reset_counts()
        self._since = time.perf_counter()
        self.screens.append(ScreenRecord(self.window.state))
        last = self.window.speaker.last  # the screen already shown said its prompt before us
        if last is not None:
            self.screens[-1].spoken.append(last.text)

    def _said(self, spoken: Spoken) -> None:
        self.screens[-1].spoken.append(spoken.text)

    def _shown(self, state: str, _screen: str) -> None:
        self.close()
        self.screens.append(ScreenRecord(state))
        if self.on_screen is not None:
            self.on_screen(state)

    def close(self) -> None:
        counts = self.window.activity.reset_counts()
        rec = self.screens[-1]
        rec.taps += counts.taps
        rec.typed_characters += counts.typed
        now = time.perf_counter()
        rec.seconds += now - self._since
        self._since = now

    def detach(self) -> None:
        self.close()
        self.window.screenShown.disconnect(self._shown)
        self.window.speaker.listeners.remove(self._said)


def pump(ms: int = 0) -> None:
    """Process events (and deferred deletions, which an event loop would do) for ``ms``."""
    end = time.perf_counter() + ms / 1000
    while True:
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        if time.perf_counter() >= end:
            return
        time.sleep(0.005)


class Applicant:
    def __init__(self, window: KioskWindow, timeout: float = 30.0):
        self.window, self.ctx, self.timeout = window, window.ctx, timeout
        self.texts = window.texts

    # -- finding and tapping ----------------------------------------------------------------------

    def _visible_buttons(self) -> list[QPushButton]:
        root: QWidget = (
            self.window.overlay.dialog
            if self.window.overlay.isVisible() and self.window.overlay.dialog
            else self.window.stack.currentWidget()
        )
        return [
            b
            for b in root.findChildren(QPushButton)
            if b.isVisibleTo(self.window) and b.isEnabled()
        ]

    def button(
        self,
        *,
        text_key: str | None = None,
        choice: str | None = None,
        name: str | None = None,
        text: str | None = None,
    ) -> QPushButton:
        wanted = self.texts.tr(text_key) if text_key else text
        for b in self._visible_buttons():
            if choice is not None and b.property("choice") == choice:
                return b
            if name is not None and b.objectName() == name:
                return b
            if wanted is not None and b.text().replace("✓ ", "") == wanted:
                return b
        raise ScriptError(
            f"no button {text_key or choice or name or text!r} on {self.window.state}"
        )

    def tap(self, widget: QWidget | None = None, **find: str) -> None:
        target = widget or self.button(**find)
        QTest.mouseClick(
            target,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            target.rect().center(),
        )
        pump()

    def next(self) -> None:
        self.tap(name="primary")

    def wait_state(self, state: str, timeout: float | None = None) -> None:
        end = time.perf_counter() + (timeout or self.timeout)
        while self.window.state != state:
            if time.perf_counter() > end:
                raise ScriptError(f"waited for {state}, still on {self.window.state}")
            pump(10)

    def wait_for(self, check: Callable[[], bool], what: str, timeout: float | None = None) -> None:
        end = time.perf_counter() + (timeout or self.timeout)
        while not check():
            if time.perf_counter() > end:
                raise ScriptError(f"waited for {what} on {self.window.state}")
            pump(20)

    # -- typing on the on-screen keypad -------------------------------------------------------------

    def _key(self, text: str, name: str = "key") -> QPushButton:
        pad = self.window.current.keypad  # type: ignore[union-attr]
        for b in pad.findChildren(QPushButton):
            if b.objectName() == name and b.text() == text and b.isVisibleTo(self.window):
                return b
        raise ScriptError(f"no key {text!r}")

    def type(self, text: str) -> None:
        """Type with the keypad: digits and letters directly, Chinese by pinyin and a candidate."""
        pad = self.window.current.keypad  # type: ignore[union-attr]
        for ch in text:
            if ch.isascii():
                if pad.mode == "text" and pad.chinese and ch.isalpha():
                    self.tap(self._key(self.texts.tr("key.to_abc")))
                    pad = self.window.current.keypad  # type: ignore[union-attr]
                self.tap(self._key(ch.upper() if ch.isalpha() else ch))
                continue
            if not pad.chinese:
                self.tap(self._key(self.texts.tr("key.to_pinyin")))
            syllable = next(s for s, chars in pinyin_table().items() if ch in chars)
            for letter in syllable:
                self.tap(self._key(letter.upper()))
            while True:
                try:
                    self.tap(self._key(ch, "candidate"))
                    break
                except ScriptError:
                    self.tap(self._key(self.texts.tr("key.more"), "candidate"))

    def focus_field(self, index: int) -> None:
        self.window.current.fields[index].setFocus()  # type: ignore[union-attr]
        pump()

    def sign(self) -> None:
        pad = self.window.current.pad  # type: ignore[union-attr]
        QTest.mousePress(
            pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(60, 120)
        )
        for x in range(60, 600, 30):
            QTest.mouseMove(pad, QPoint(x, 120 + int(40 * ((x // 30) % 3 - 1))))
        QTest.mouseRelease(
            pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(600, 120)
        )
        pump()

    def pick_date(self, day: dt.date) -> None:
        for _ in range(60):
            shown = {b.property("date"): b for b in self._visible_buttons() if b.property("date")}
            if day.isoformat() in shown:
                self.tap(shown[day.isoformat()])
                return
            first = min(shown)
            ahead = (day - dt.date.fromisoformat(first)).days
            if abs(ahead) > 364:
                self.tap(text="»" if ahead > 0 else "«")
            else:
                self.tap(text="›" if ahead > 0 else "‹")
        raise ScriptError(f"no day {day}")
