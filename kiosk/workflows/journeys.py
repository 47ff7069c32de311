"""The applicant's journeys, declared once as data: steps, the fields of each step, branch rules.

Everything else is generated from this module: the UI's ``QStateMachine`` (kiosk/ui/machine.py),
the diagrams in docs/journeys.md (:mod:`kiosk.workflows.diagram`) and the tests' enumeration of
states and transitions. A step's ``screen`` names the widget that shows it; a step's ``rule``
names a function in :mod:`kiosk.workflows.branching` whose outcome is the trigger taken (on
"next", or for the card step as soon as a card is read: no tap needed).

Triggers every journey understands:
``next`` / ``back`` (buttons), ``cancel`` (end the visit from any step before submission),
``card_removed`` / ``card_back`` (the reader), ``camera_failed``,
``submitted`` / ``disk_full``, ``printed`` / ``printer_failed``, ``timeout`` (the idle wipe, from
every state), and a rule's outcomes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

WELCOME = "welcome"
SERVICES = "services"
INFO = "info"
TOP_STATES: tuple[str, ...] = (WELCOME, SERVICES, INFO)


@dataclass(frozen=True)
class Step:
    key: str  # unique within its journey; the state is named "<journey>.<key>"
    screen: str  # which screen widget shows it
    fields: tuple[str, ...] = ()  # Application / visit fields the step fills
    rule: str | None = None  # branching rule evaluated on "next"; its outcome is the trigger
    needs_card: bool = False  # removing the ID card here interrupts the journey
    cancellable: bool = True  # after submission the visit can no longer be cancelled
    optional_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    source: str  # step key (or "*" for the journey's failure states, see expand())
    trigger: str
    target: str  # step key, or a top state (welcome), or "history" (where the card was removed)


@dataclass(frozen=True)
class Journey:
    key: str
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    materials_service: str | None = None  # rules.materials_for() key, None for non-applications

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def state(self, key: str) -> str:
        """The full state name of a step key; a key with a dot is another journey's state
        (``registration.address``: the application hands a visit over to registration)."""
        return key if key in TOP_STATES or "." in key else f"{self.key}.{key}"

    @property
    def first(self) -> Step:
        return self.steps[0]

    def triggers_from(self, key: str) -> dict[str, str]:
        return {t.trigger: t.target for t in self.transitions if t.source == key}


# -- building blocks ------------------------------------------------------------------------

CONSENT = Step("consent", "consent")
CARD = Step("card", "card", ("applicant",), rule="age_gate")
NO_CARD = Step("no_card", "ending", cancellable=True)
UNDER_AGE = Step("under_age", "ending")
CARD_REMOVED = Step(
    "card_removed", "card_removed", cancellable=False
)  # its own button ends the visit
CAMERA_FAILED = Step("camera_failed", "camera_failed", needs_card=True)
DISK_FULL = Step("disk_full", "disk_full", needs_card=True)
PRINTER_FAILED = Step("printer_failed", "printer_failed", cancellable=False)
PHOTO = Step("photo", "photo", ("photo_number", "photo_jpeg"), needs_card=True)
REVIEW = Step("review", "review", needs_card=True)
# review and signature on one screen: the declaration, the answers and the pad together
REVIEW_SIGNED = Step("review", "review", ("signature_png",), needs_card=True)
SIGN = Step("sign", "sign", ("signature_png",), needs_card=True)
SUBMIT = Step("submit", "submit", needs_card=True, cancellable=False)
PRINT = Step("print", "print", cancellable=False)
DONE = Step("done", "done", cancellable=False)
ADDRESS = Step("address", "address", ("residence",), needs_card=True)
PHONE = Step("phone", "phone", ("phone",), needs_card=True)
# replacement and exchange check eligibility like the query does: "none of the above" does not
# pass silently, it ends at the counter with the reason
CONDITION = Step(
    "condition",
    "condition",
    ("condition", "condition_details", "student"),
    rule="eligibility",
    needs_card=True,
)
NOT_ELIGIBLE = Step("not_eligible", "ending", cancellable=False)
ELIGIBILITY_CHECKED = [
    Transition("condition", "eligible", "relatives"),
    Transition("condition", "not_eligible", "not_eligible"),
    Transition("not_eligible", "next", "welcome"),
    Transition("not_eligible", "back", "condition"),  # a wrong choice tapped: choose again
]
RELATIVES = Step("relatives", "relatives", ("relatives",), needs_card=True)


def _linear(keys: list[str]) -> list[Transition]:
    out = []
    for a, b in itertools.pairwise(keys):
        out.append(Transition(a, "next", b))
        out.append(Transition(b, "back", a))
    return out


def _journey(
    key: str,
    middle: list[Step],
    extra: list[Transition],
    materials: str | None,
    endings: tuple[Step, ...] = (),
    *,
    photo: Step | None = PHOTO,
    after_photo: tuple[Step, ...] = (),
    done: Step = DONE,
    quick: bool = False,
) -> Journey:
    """Consent → card → (middle) → photo → (after_photo) → review → sign → submit → print →
    done, plus failures. ``photo=None``: a journey without a photo (residence registration).

    ``quick`` (issue 14, fewer taps): the card laid on the reader while the materials and
    consent are shown is the consent (the screen says so; the card step stays for those who tap
    "agree" first), and the applicant signs on the review screen (no sign step)."""
    shot = [photo] if photo is not None else []
    form = [*middle, *shot, *after_photo, REVIEW_SIGNED if quick else REVIEW]
    if not quick:
        form.append(SIGN)
    steps = [
        CONSENT,
        CARD,
        *form,
        SUBMIT,
        PRINT,
        done,
        NO_CARD,
        UNDER_AGE,
        *endings,
        CARD_REMOVED,
        *([CAMERA_FAILED] if shot else []),
        DISK_FULL,
        PRINTER_FAILED,
    ]
    first_form = middle[0].key
    t: list[Transition] = [
        Transition("consent", "next", "card"),
        Transition("consent", "back", "welcome"),
        Transition("card", "back", "consent"),
        Transition("card", "no_card", "no_card"),
        Transition("card", "adult", first_form),
        Transition("card", "under_age", "under_age"),
        Transition(middle[0].key, "back", "card"),
    ]
    if quick:  # the card read on the consent screen: the same age gate as the card step
        t += [
            Transition("consent", "adult", first_form),
            Transition("consent", "under_age", "under_age"),
        ]
    # middle steps chain linearly unless a rule of theirs branches (declared in ``extra``)
    chain = [s.key for s in form]
    ruled = {s.key for s in middle if s.rule}
    for tr in _linear(chain):
        if tr.trigger == "next" and tr.source in ruled:
            continue
        t.append(tr)
    # the review screen opens any section for editing; "next" then walks forward to it again
    t += [
        Transition("review", f"edit_{s.key}", s.key)
        for s in [*middle, *shot, *after_photo]
        if s.key not in ("decision",)
    ]
    t += [
        Transition("review" if quick else "sign", "next", "submit"),
        Transition("submit", "submitted", "print"),
        Transition("submit", "disk_full", "disk_full"),
        Transition("disk_full", "retry", "submit"),
        Transition("print", "printed", "done"),
        Transition("print", "printer_failed", "printer_failed"),
        Transition("printer_failed", "next", "done"),
        Transition("done", "next", "welcome"),
        Transition("no_card", "next", "welcome"),
        Transition("under_age", "next", "welcome"),
        *(
            [
                Transition("photo", "camera_failed", "camera_failed"),
                Transition("camera_failed", "retry", "photo"),
            ]
            if shot
            else []
        ),
        Transition("card_removed", "card_back", "history"),
        Transition("card_removed", "next", "welcome"),
        *extra,
    ]
    for step in steps:
        if step.needs_card:
            t.append(Transition(step.key, "card_removed", "card_removed"))
        if step.cancellable and step.key not in ("no_card", "under_age", "consent"):
            t.append(Transition(step.key, "cancel", "welcome"))
    t.append(Transition("consent", "cancel", "welcome"))
    t += [Transition(s.key, "timeout", "welcome") for s in steps]  # idle wipe, from anywhere
    return Journey(key, tuple(steps), tuple(t), materials)


# -- the journeys ---------------------------------------------------------------------------

PERMIT = Step("permit", "permit", ("permit",), rule="renewal_window", needs_card=True)
TOO_EARLY = Step("too_early", "ending", cancellable=False)
EXPIRED = Step("expired", "ending", cancellable=False)

RENEWAL = _journey(
    "renewal",
    # renewal keeps the registered 办理条件 and household: only the address is confirmed
    # the decision is a banner on the address screen, not a screen of its own
    [
        PERMIT,
        Step(
            "address",
            "address",
            ("residence",),
            needs_card=True,
            optional_fields=("residence.detail",),
        ),
        PHONE,
    ],
    [
        Transition("permit", "renew", "address"),
        Transition("permit", "too_early", "too_early"),
        Transition("permit", "expired", "expired"),
        Transition("too_early", "next", "welcome"),
        Transition("expired", "next", "welcome"),
        Transition("too_early", "back", "permit"),  # a wrong date picked: try again
        Transition("expired", "back", "permit"),
    ],
    "renewal",
    (TOO_EARLY, EXPIRED),
    quick=True,
)

REPLACEMENT = _journey(
    "replacement",
    [
        Step("reason", "reason", ("replacement_reason",), needs_card=True),
        ADDRESS,
        PHONE,
        CONDITION,
        RELATIVES,
    ],
    ELIGIBILITY_CHECKED,
    "replacement",
    (NOT_ELIGIBLE,),
    quick=True,
)

EXCHANGE_PERMIT = Step("permit", "permit", ("permit",), rule="exchange_permit", needs_card=True)
EXCHANGE = _journey(
    "exchange",
    [EXCHANGE_PERMIT, ADDRESS, PHONE, CONDITION, RELATIVES],
    [
        Transition("permit", "valid", "address"),
        Transition("permit", "expired", "expired"),
        Transition("expired", "next", "welcome"),
        Transition("expired", "back", "permit"),
        *ELIGIBILITY_CHECKED,
    ],
    "exchange",
    (EXPIRED, NOT_ELIGIBLE),
    quick=True,
)

CHANGES = Step("changes", "changes", ("changes",), needs_card=True)
CHANGE = _journey("change", [CHANGES, ADDRESS, PHONE], [], "change", quick=True)
CORRECTION = _journey("correction", [CHANGES, PHONE], [], "correction", quick=True)

# -- 申领 (first application) and 居住登记 (residence registration) ---------------------------

# the address down to the community (district → street → community → detail), for both
RESIDENCE = Step("address", "residence", ("residence",), needs_card=True)
# 申领: the eligibility check comes first, with the details each condition needs; 16 or older
# without a condition is offered residence registration instead (with the reason)
APPLY_CONDITION = Step(
    "condition",
    "apply_condition",
    ("condition", "condition_details", "student"),
    rule="eligibility",
    needs_card=True,
)
OFFER_REGISTRATION = Step("not_eligible", "offer_registration", cancellable=False)
APPLY_PHOTO = Step("photo", "apply_photo", ("photo_number", "photo_jpeg"), needs_card=True)
# the 受理点 where the permit will be collected: by default the one serving the street
COLLECTION = Step("collection", "collection", ("collection_point",), needs_card=True)
FIRST_DONE = Step("done", "first_done", cancellable=False)

APPLICATION = _journey(
    "application",
    [APPLY_CONDITION, RESIDENCE, PHONE, RELATIVES],  # relatives: its subtitle says why
    [
        Transition("condition", "eligible", "address"),
        Transition("condition", "not_eligible", "not_eligible"),
        Transition("not_eligible", "back", "condition"),  # a wrong choice tapped: choose again
        Transition("not_eligible", "next", "welcome"),
        # registration instead: same card, same visit; its address screen comes next
        Transition("not_eligible", "register", "registration.address"),
    ],
    "application",
    (OFFER_REGISTRATION,),
    photo=APPLY_PHOTO,
    after_photo=(COLLECTION,),
    done=FIRST_DONE,
    quick=True,  # like the counter services: the card on the consent screen, signed on review
)

LIVING = Step("living", "living", ("lived_since", "householder_relation"), needs_card=True)
REGISTRATION = _journey(
    "registration",
    [RESIDENCE, PHONE, LIVING],
    [],
    "registration",
    photo=None,
    done=FIRST_DONE,
    quick=True,
)

# 办理进度: the card (or the number on the slip, typed or scanned) → every application of this
# person known here, with the hub's status when it answers. Nothing is stored.
PROGRESS = Journey(
    "progress",
    (
        Step("consent", "progress_consent"),
        Step("card", "card", ("applicant",)),
        Step("number", "progress_number"),
        Step("list", "progress_list"),
    ),
    (
        Transition("consent", "next", "card"),
        Transition("consent", "back", "welcome"),
        Transition("consent", "cancel", "welcome"),
        Transition("card", "next", "list"),  # a card read: its holder's applications
        Transition("card", "no_card", "number"),
        Transition("card", "back", "consent"),
        Transition("card", "cancel", "welcome"),
        Transition("number", "next", "list"),
        Transition("number", "back", "card"),
        Transition("number", "cancel", "welcome"),
        Transition("list", "next", "welcome"),
        Transition("list", "back", "card"),  # look up another card or number
        *(Transition(k, "timeout", "welcome") for k in ("consent", "card", "number", "list")),
    ),
)

# 办证资格查询: no form, nothing stored; the card is optional (name and ID number can be typed)
ELIGIBILITY = Journey(
    "eligibility",
    (
        CONSENT,
        Step("card", "card", ("applicant",), rule="age_gate"),
        Step("identity", "identity", ("name", "id_number")),
        Step(
            "condition",
            "condition",
            ("condition", "condition_details", "student"),
            rule="eligibility",
        ),
        Step("eligible", "eligible_result"),  # with the way into the application (申领)
        Step("not_eligible", "result"),
    ),
    (
        Transition("consent", "next", "card"),
        Transition("consent", "back", "welcome"),
        Transition("consent", "cancel", "welcome"),
        Transition("card", "adult", "condition"),
        Transition("card", "under_age", "condition"),  # the rule itself says why not
        Transition("card", "no_card", "identity"),
        Transition("card", "back", "consent"),
        Transition("card", "cancel", "welcome"),
        Transition("identity", "next", "condition"),
        Transition("identity", "back", "card"),
        Transition("identity", "cancel", "welcome"),
        Transition("condition", "eligible", "eligible"),
        Transition("condition", "not_eligible", "not_eligible"),
        Transition("condition", "back", "card"),
        Transition("condition", "cancel", "welcome"),
        Transition("eligible", "next", "welcome"),
        Transition("eligible", "apply", "application.consent"),  # the answers are kept
        Transition("not_eligible", "next", "welcome"),
        Transition("eligible", "back", "condition"),
        Transition("not_eligible", "back", "condition"),
        *(
            Transition(k, "timeout", "welcome")
            for k in ("consent", "card", "identity", "condition", "eligible", "not_eligible")
        ),
    ),
)

JOURNEYS: dict[str, Journey] = {
    j.key: j
    for j in (
        APPLICATION,
        RENEWAL,
        REPLACEMENT,
        EXCHANGE,
        CHANGE,
        CORRECTION,
        REGISTRATION,
        ELIGIBILITY,
        PROGRESS,
    )
}
APPLICATION_SERVICES: tuple[str, ...] = (
    "renewal",
    "replacement",
    "exchange",
    "change",
    "correction",
)
FIRST_SERVICES: tuple[str, ...] = ("application", "registration")
# the first application first: the largest group of walk-ins
MENU: tuple[str, ...] = (
    "application",
    *APPLICATION_SERVICES,
    "registration",
    "eligibility",
    "progress",
    "info",
)

# The top of the machine: welcome → services → a journey's first step, or the information screen.
TOP_TRANSITIONS: tuple[Transition, ...] = (
    Transition(WELCOME, "next", SERVICES),
    Transition(SERVICES, "back", WELCOME),
    Transition(SERVICES, "cancel", WELCOME),
    Transition(SERVICES, "info", INFO),
    Transition(INFO, "back", SERVICES),
    Transition(INFO, "cancel", WELCOME),
    Transition(SERVICES, "timeout", WELCOME),
    Transition(INFO, "timeout", WELCOME),
    *(Transition(SERVICES, key, f"{key}.consent") for key in JOURNEYS),
)


@dataclass(frozen=True)
class Edge:
    """One transition with full state names, as the machine and the tests see it."""

    source: str
    trigger: str
    target: str


def all_states() -> list[str]:
    states = list(TOP_STATES)
    for j in JOURNEYS.values():
        states += [j.state(s.key) for s in j.steps]
    return states


def all_edges() -> list[Edge]:
    edges = [Edge(t.source, t.trigger, t.target) for t in TOP_TRANSITIONS]
    for j in JOURNEYS.values():
        for t in j.transitions:
            edges.append(
                Edge(
                    j.state(t.source),
                    t.trigger,
                    t.target if t.target == "history" else j.state(t.target),
                )
            )
    return edges


def check(journey: Journey) -> list[str]:
    """Problems in a declaration (unknown steps, unreachable steps, steps with no way out)."""
    keys = {s.key for s in journey.steps}
    elsewhere = {  # another journey's steps, which a hand-over may target
        other.state(s.key)
        for other in JOURNEYS.values()
        if other is not journey
        for s in other.steps
    }
    known = keys | set(TOP_STATES) | {"history"} | elsewhere
    problems = [
        f"{journey.key}: {t.source} -{t.trigger}-> unknown {t.target}"
        for t in journey.transitions
        if t.target not in known or t.source not in keys
    ]
    reached = {journey.first.key}
    frontier = [journey.first.key]
    while frontier:
        here = frontier.pop()
        for t in journey.transitions:
            if t.source == here and t.target in keys and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    for s in journey.steps:
        if s.needs_card or s.key == "card_removed":
            reached.add("card_removed")
    problems += [f"{journey.key}: {k} cannot be reached" for k in sorted(keys - reached)]
    problems += [
        f"{journey.key}: {s.key} has no way out"
        for s in journey.steps
        if not any(t.source == s.key for t in journey.transitions)
    ]
    return problems
