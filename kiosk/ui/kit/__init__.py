"""The UI kit: one set of buttons, building blocks, words and one off-GUI-thread runner for the
applicant screens and supervisor mode alike.

- :mod:`kiosk.ui.kit.buttons` — :func:`button` and :class:`WrapButton` (two skins, one class)
- :mod:`kiosk.ui.kit.pieces` — labels, boxes, fields, choice grids, scroll areas, touch tables
- :mod:`kiosk.ui.kit.runner` — :class:`Runner`: blocking calls in a pool, answers on the GUI thread
- :mod:`kiosk.ui.texts` — :class:`Texts`: the one catalogue of words, per kiosk (no global language)
"""

from kiosk.ui.kit.buttons import TOUCH, WrapButton, button
from kiosk.ui.kit.pieces import (
    breakable,
    choice_grid,
    field_edit,
    form_label,
    frame,
    label,
    natural_width,
    plain_scroll,
    toggle,
    touch_table,
)
from kiosk.ui.kit.runner import Runner
from kiosk.ui.texts import Texts

__all__ = [
    "TOUCH",
    "Runner",
    "Texts",
    "WrapButton",
    "breakable",
    "button",
    "choice_grid",
    "field_edit",
    "form_label",
    "frame",
    "label",
    "natural_width",
    "plain_scroll",
    "toggle",
    "touch_table",
]
