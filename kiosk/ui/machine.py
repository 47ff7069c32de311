"""The ``QStateMachine`` built from the journey declaration (kiosk/workflows/journeys.py).

Top states: welcome, services, info. Each journey is a compound state ``<key>`` holding
``<key>.flow`` (every step but card_removed, with a history state) and ``<key>.card_removed``,
whose ``card_back`` returns to the step where the card was taken out. A transition fires when
the :class:`Navigator` emits its trigger name while the source state is active.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtStateMachine import QHistoryState, QSignalTransition, QState, QStateMachine

from kiosk.ui.base import Navigator
from kiosk.workflows.journeys import JOURNEYS, TOP_STATES, TOP_TRANSITIONS


class TriggerTransition(QSignalTransition):
    """Fires on ``navigator.go(trigger)``."""

    def __init__(self, nav: Navigator, trigger: str, source: QState):
        super().__init__(nav.go, source)
        self.trigger = trigger

    def eventTest(self, event: QEvent) -> bool:
        if not super().eventTest(event):
            return False
        assert isinstance(event, QStateMachine.SignalEvent)  # a signal transition sees only those
        return bool(event.arguments()[0] == self.trigger)


class JourneyMachine(QStateMachine):
    """States by full name in :attr:`states`; every transition in :attr:`edges` (source, trigger, target)."""

    def __init__(
        self, nav: Navigator, on_enter: Callable[[str], None], parent: QObject | None = None
    ):
        super().__init__(parent)
        self.nav = nav
        self.states: dict[str, QState] = {}
        self.history: dict[str, QHistoryState] = {}
        self.edges: list[tuple[str, str, str]] = []
        self.triggers: list[TriggerTransition] = []  # Python overrides live only while referenced
        for name in TOP_STATES:
            self.states[name] = QState(self)
        for key, journey in JOURNEYS.items():
            outer = QState(self)
            outer.setObjectName(key)
            flow = QState(outer)
            outer.setInitialState(flow)
            self.history[key] = QHistoryState(QHistoryState.HistoryType.ShallowHistory, flow)
            for step in journey.steps:
                parent = outer if step.key == "card_removed" else flow
                self.states[journey.state(step.key)] = QState(parent)
            flow.setInitialState(self.states[journey.state(journey.first.key)])
            self.history[key].setDefaultState(self.states[journey.state(journey.first.key)])
        for name, state in self.states.items():
            state.setObjectName(name)
            state.entered.connect(lambda n=name: on_enter(n))
        for t in TOP_TRANSITIONS:
            self._add(t.source, t.trigger, t.target)
        for key, journey in JOURNEYS.items():
            for t in journey.transitions:
                target = "history:" + key if t.target == "history" else journey.state(t.target)
                self._add(journey.state(t.source), t.trigger, target)
        self.setInitialState(self.states["welcome"])

    def _add(self, source: str, trigger: str, target: str) -> None:
        tr = TriggerTransition(self.nav, trigger, self.states[source])
        self.triggers.append(tr)
        if target.startswith("history:"):
            tr.setTargetState(self.history[target.split(":", 1)[1]])
            self.edges.append((source, trigger, "history"))
        else:
            tr.setTargetState(self.states[target])
            self.edges.append((source, trigger, target))

    def current(self) -> str:
        """The active leaf state's name."""
        active = {s.objectName() for s in self.configuration()}
        leaves = [n for n in active if n in self.states]
        return leaves[0] if leaves else ""
