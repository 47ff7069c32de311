"""Place the ID card: nothing is read before this screen (consent came first)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk import logs
from kiosk.domain import idnumber
from kiosk.domain.identity import IdentityCard
from kiosk.ui.base import Screen
from kiosk.ui.card_source import CardRead
from kiosk.ui.kit import button, frame, label

DEMO_CARDS = ("resident", "resident_longterm", "gat_hk", "foreign_2023")


class CardScreen(Screen):
    name = "card"
    bad_data = False  # the card on the reader was read but its data do not hold together

    def enter(self) -> None:
        if not getattr(self, "_listening", False):  # once per screen object
            self.ctx.cards.readerProblem.connect(self.on_problem)
            self._listening = True
        super().enter()

    def leave(self) -> None:
        self.bad_data = False

    def on_problem(self, message: object) -> None:
        """A card whose data do not hold together: say so, with the help button; never as if no
        card had been laid on the reader."""
        here = self.ctx.step is not None and self.ctx.step.key == "card"
        if here and getattr(message, "code", None) == "card_data_invalid":
            self.bad_data = True
            self.enter()

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "card.title", "card.subtitle")
        if self.bad_data:
            bad, bl = frame("badCard")
            bl.addWidget(label("✗  " + self.texts.tr("card.bad_data"), "value"))
            bl.addWidget(label(self.texts.tr("card.bad_data.body")))
            row = QHBoxLayout()
            help_button = button("?  " + self.texts.tr("btn.help"), self.call_help, "help")
            help_button.setProperty("choice", "bad_data_help")
            row.addWidget(help_button)
            row.addStretch(1)
            bl.addLayout(row)
            lay.addWidget(bad)
        box, inner = frame()
        inner.addWidget(label("▼  " + self.texts.tr("card.where"), "value"))
        inner.addWidget(label(self.texts.tr("card.types")))
        inner.addWidget(label(self.texts.tr("card.privacy"), "note"))
        lay.addWidget(box)
        if self.ctx.demo:
            demo, dl = frame()
            dl.addWidget(label(self.texts.tr("card.demo"), "note"))
            row = QHBoxLayout()
            for name in DEMO_CARDS:
                row.addWidget(
                    button(
                        self.texts.tr(f"card.demo.{name}"), lambda n=name: self.ctx.cards.place(n)
                    )
                )
            dl.addLayout(row)
            lay.addWidget(demo)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("card.no_card"), lambda: self.ctx.go("no_card")))
        lay.addLayout(row)
        self.footer(lay, next_key=None)

    def call_help(self) -> None:
        window = self.window()
        call = getattr(window, "call_help", None)
        if call is not None:
            call()

    def on_card(self, read: CardRead) -> None:
        """The card the applicant laid on the reader goes into the visit, and on we go."""
        card = read.card
        self.ctx.visit.card = card
        logs.register_sensitive(  # masked in every log line until the wipe
            *(
                getattr(card, f, None)
                for f in ("name", "name_en", "id_number", "address", "pass_number")
            )
        )
        self.ctx.advance()


def masked(card: IdentityCard) -> str:
    try:
        return idnumber.mask(card.id_number)
    except Exception:  # a foreign number in a format mask() does not know: show its tail only
        return "*" * max(0, len(card.id_number) - 4) + card.id_number[-4:]
