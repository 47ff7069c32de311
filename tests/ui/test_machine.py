"""Every state and every transition of every journey, found by enumerating the built machine."""

from __future__ import annotations

from collections import deque

import pytest

from kiosk.devices.idcard import samples
from kiosk.ui.applicant import pump
from kiosk.ui.applicant import route as nearest
from kiosk.workflows import journeys


def paths_from_welcome(edges: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    """The shortest trigger sequence from welcome to each state (history edges left out)."""
    routes: dict[str, list[str]] = {"welcome": []}
    queue = deque(["welcome"])
    while queue:
        here = queue.popleft()
        for source, trigger, target in edges:
            if source == here and target != "history" and target not in routes:
                routes[target] = [*routes[here], trigger]
                queue.append(target)
    return routes


@pytest.mark.slow
def test_every_state_and_transition(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk(camera=False)
    window, ctx, machine = kiosk.window, kiosk.ctx, kiosk.window.machine
    ctx.background_work = False  # saving and printing have their own tests; here only the machine
    edges = machine.edges
    # the machine is the declaration: same states, same transitions
    assert set(machine.states) == set(journeys.all_states())
    assert {(e.source, e.trigger, e.target) for e in journeys.all_edges()} == set(edges)
    routes = paths_from_welcome(edges)
    assert set(routes) == set(machine.states), "every state is reachable from welcome"
    card = samples.load("resident")

    def refill(state: str, _screen: str) -> None:
        if state == "welcome":  # the welcome screen wiped the visit: the next screens show a card
            ctx.visit.card, ctx.visit.photo_number = card, "A7K3Q9B2"

    window.screenShown.connect(refill)

    def reset() -> None:
        if machine.current() != "welcome":
            ctx.go("timeout")
        assert machine.current() == "welcome"
        ctx.visit.card = card  # screens after the card step show it
        ctx.visit.photo_number = "A7K3Q9B2"

    def walk(route: list[str]) -> None:
        for trigger in route:
            before = machine.current()
            ctx.go(trigger)
            pump()  # as the event loop would: old screen contents are deleted
            assert machine.current() != before or trigger in ("card_read",), (before, trigger)

    # greedy edge cover: fire an unfired edge from here, else walk to the nearest state that has one
    unfired = set(edges)
    seen_states: set[str] = set()
    reset()
    while unfired:
        here = machine.current()
        mine = sorted(e for e in unfired if e[0] == here)
        if not mine:
            near = nearest(edges, here, {e[0] for e in unfired})
            if near is None:  # nothing reachable from here (cannot happen: timeout leads home)
                reset()
                continue
            walk(near)
            continue
        source, trigger, target = mine[0]
        if target == "history":
            journey = source.split(".")[0]
            step = next(s for s in journeys.JOURNEYS[journey].steps if s.needs_card)
            reset()
            walk(routes[f"{journey}.{step.key}"])
            ctx.go("card_removed")
            target = f"{journey}.{step.key}"
        ctx.go(trigger)
        pump()
        assert machine.current() == target, (source, trigger, target)
        assert window.state == target and window.stack.currentWidget() is window.current
        unfired.discard((source, trigger, mine[0][2]))
        seen_states |= {source, target}
    assert seen_states == set(machine.states)
    reset()
