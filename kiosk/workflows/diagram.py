"""Mermaid diagrams of the journeys, generated from the declaration (docs/journeys.md).

``kiosk walkthrough --diagrams docs/journeys.md`` is not needed: run
``python -m kiosk.workflows.diagram > docs/journeys.md``; a test checks the file is current.
"""

from __future__ import annotations

from kiosk.domain import codes
from kiosk.workflows.journeys import JOURNEYS, TOP_TRANSITIONS, Journey

FAILURES = {"card_removed", "camera_failed", "disk_full", "printer_failed"}


def _node(name: str) -> str:
    return name.replace(".", "_")


def mermaid(journey: Journey) -> str:
    """A ``stateDiagram-v2`` of one journey; cancel edges are folded into one note to stay legible."""
    lines = ["stateDiagram-v2", "    direction TB", f"    [*] --> {journey.first.key}"]
    cancellable = []
    for t in journey.transitions:
        if t.trigger == "cancel":
            cancellable.append(t.source)
            continue
        if t.trigger == "card_removed" and t.source != journey.first.key:
            continue  # drawn once below
        target = (
            "[*]"
            if t.target == "welcome"
            else ("history" if t.target == "history" else _node(t.target))
        )
        lines.append(f"    {t.source} --> {target} : {t.trigger}")
    card_steps = [s.key for s in journey.steps if s.needs_card]
    if card_steps:
        lines.append("    note right of card_removed")
        lines.append(f"        card_removed from: {', '.join(card_steps)}")
        lines.append("    end note")
    if cancellable:
        lines.append(f"    note left of {journey.first.key}")
        lines.append(f"        cancel → welcome from: {', '.join(cancellable)}")
        lines.append("    end note")
    return "\n".join(lines)


def top_mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> welcome"]
    for t in TOP_TRANSITIONS:
        lines.append(f"    {t.source} --> {_node(t.target)} : {t.trigger}")
    return "\n".join(lines)


def _title(key: str) -> str:
    if key == "eligibility":
        return "办证资格查询 · Eligibility check"
    if key == "progress":
        return "办理进度查询 · Application progress"
    label = codes.service(key)
    return f"{label.zh} · {label.en}"


def document() -> str:
    parts = [
        "# The applicant's journeys",
        "",
        "Generated from `kiosk/workflows/journeys.py` by `python -m kiosk.workflows.diagram`;"
        " do not edit by hand (a test checks it is current). The UI's `QStateMachine` is built"
        " from the same declaration. `[*]` is the welcome screen; `history` returns to the step"
        " where the ID card was taken out.",
        "",
        "## Welcome and choice of service",
        "",
        "```mermaid",
        top_mermaid(),
        "```",
    ]
    for key, journey in JOURNEYS.items():
        parts += ["", f"## {_title(key)} (`{key}`)", "", "```mermaid", mermaid(journey), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(document(), end="")
