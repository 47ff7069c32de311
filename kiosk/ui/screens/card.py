"""Place the ID card: nothing is read before this screen (consent came first)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.domain import idnumber
from kiosk.domain.identity import IdentityCard
from kiosk.ui.base import Screen, button, frame, label
from kiosk.ui.texts import tr

DEMO_CARDS = ("resident", "resident_longterm", "gat_hk", "foreign_2023")


class CardScreen(Screen):
    name = "card"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "card.title", "card.subtitle")
        box, inner = frame()
        inner.addWidget(label("▼  " + tr("card.where"), "value"))
        inner.addWidget(label(tr("card.types")))
        inner.addWidget(label(tr("card.privacy"), "note"))
        lay.addWidget(box)
        if self.ctx.demo:
            demo, dl = frame()
            dl.addWidget(label(tr("card.demo"), "note"))
            row = QHBoxLayout()
            for name in DEMO_CARDS:
                row.addWidget(
                    button(tr(f"card.demo.{name}"), lambda n=name: self.ctx.cards.place(n))
                )
            dl.addLayout(row)
            lay.addWidget(demo)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(tr("card.no_card"), lambda: self.ctx.go("no_card")))
        lay.addLayout(row)
        self.footer(lay, next_key=None)


def masked(card: IdentityCard) -> str:
    try:
        return idnumber.mask(card.id_number)
    except Exception:  # a foreign number in a format mask() does not know: show its tail only
        return "*" * max(0, len(card.id_number) - 4) + card.id_number[-4:]
