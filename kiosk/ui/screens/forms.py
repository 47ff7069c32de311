"""Form steps: permit and expiry, address, phone, 办理条件, relatives, replacement reason, changes,
and the typed identity of the eligibility query. Each keeps what it collects in the visit at once,
so going back and forth never loses an answer."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import logs
from kiosk.documents import values
from kiosk.domain import codes, idnumber
from kiosk.domain.application import Address, ChangeItem, Relative
from kiosk.ui.base import Screen
from kiosk.ui.keypad import Keypad
from kiosk.ui.kit import button, choice_grid, field_edit, frame, label
from kiosk.ui.widgets import DatePicker
from kiosk.workflows import branching

PHONE = re.compile(r"^1[3-9][0-9]{9}$")


class FormScreen(Screen):
    """A screen with fields and one on-screen keyboard that follows the focused field.

    The keyboard sits between the fields and the buttons while a field has focus, and goes away
    with its "hide" key (or when the screen is redrawn), so choices above the fields have the
    whole screen when nothing is being typed. Screens whose main job is typing
    (``keypad_first``) focus their first empty field on entry, which brings the keyboard up.
    """

    keypad_first = True

    def enter(self) -> None:
        self.keypad: Keypad | None = None
        self.fields: list[QLineEdit] = []
        # each field's own error line, right under it (issue 14: errors where they happen)
        self.field_errors: dict[QLineEdit, QLabel] = {}
        self.error = label("", "error")
        self.error.hide()
        super().enter()
        if (
            self.error.parent() is None
        ):  # this screen did not place it: do not leak a top-level label
            self.error.deleteLater()
        if self.fields and self.keypad_first:
            QTimer.singleShot(0, self._focus_first)

    def _focus_first(self) -> None:
        for edit in self.fields:
            if edit.isVisible() and not edit.text():
                edit.setFocus()
                return
        if self.fields and self.fields[0].isVisible():
            self.fields[0].setFocus()

    def add_field(self, lay: QVBoxLayout | QHBoxLayout, caption: str, edit: QLineEdit) -> QLineEdit:
        if caption:
            lay.addWidget(label(caption, "fieldCaption"))
        edit.setPlaceholderText(self.texts.tr("form.tap_to_type"))
        lay.addWidget(edit)
        edit.installEventFilter(self)
        self.fields.append(edit)
        error = label("", "error")
        error.setObjectName("fieldError")
        error.setProperty("field", caption)
        error.hide()
        lay.addWidget(error)
        self.field_errors[edit] = error
        edit.textChanged.connect(lambda _text, e=edit: self.clear_field_error(e))
        return edit

    def field_error(self, edit: QLineEdit, text: str) -> None:
        """Say what is wrong right under the field, mark the field, and speak it."""
        edit.setProperty("invalid", True)
        edit.style().unpolish(edit)
        edit.style().polish(edit)
        error = self.field_errors[edit]
        error.setText("✗ " + text)
        error.show()
        self.error.hide()
        self.say(text)  # every error is spoken too (docs/ui.md, Voice)
        QTimer.singleShot(0, lambda: self.reveal(error))

    def clear_field_error(self, edit: QLineEdit) -> None:
        error = self.field_errors.get(edit)
        if error is None or not edit.property("invalid"):
            return
        edit.setProperty("invalid", False)
        edit.style().unpolish(edit)
        edit.style().polish(edit)
        error.hide()

    def first_empty(self, captions: dict[QLineEdit, str]) -> bool:
        """Mark the first empty field of ``captions`` with its own error; False when none is."""
        for edit, caption in captions.items():
            if not edit.text().strip():
                self.field_error(edit, self.texts.tr("field.empty", what=caption))
                return True
        return False

    def add_keypad(self, lay: QVBoxLayout, hideable: bool = True, inline: bool = False) -> Keypad:
        """The keyboard at the bottom, shown while a field has focus; ``inline``: always there,
        right under the fields in ``lay`` (the phone screen: a number pad and nothing else)."""
        self.keypad = Keypad(
            chinese=self.texts.language() == "zh", hideable=hideable, texts=self.texts
        )
        self.keypad.hideRequested.connect(self.hide_keypad)
        if inline:
            lay.addWidget(self.keypad)
        else:
            self.keypad.hide()  # until a field has focus
            self.keys.addWidget(self.keypad)
        if self.fields:
            self.keypad.set_target(self.fields[0])
        return self.keypad

    def leave(self) -> None:
        """No field keeps focus: Qt would hand it to a field of the next screen (and so bring
        that screen's keyboard up) when this one is hidden."""
        for edit in getattr(self, "fields", []):
            if edit.hasFocus():
                edit.clearFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress)
            and isinstance(watched, QLineEdit)
            and self.keypad is not None
        ):
            if self.keypad.target is not watched:
                self.keypad.set_target(watched)
            # a tap on the field, or the screen putting the cursor there, brings the keys up;
            # focus Qt moves by itself (a widget hidden elsewhere) does not
            moved = kind == QEvent.Type.FocusIn and event.reason() in (  # type: ignore[attr-defined]
                Qt.FocusReason.TabFocusReason,
                Qt.FocusReason.BacktabFocusReason,
                Qt.FocusReason.ActiveWindowFocusReason,
            )
            if not moved:
                self.keypad.show()
                QTimer.singleShot(0, lambda w=watched: self.reveal(w))
        return False

    def hide_keypad(self) -> None:
        if self.keypad is not None:
            self.keypad.hide()
            if self.keypad.target is not None:
                self.keypad.target.clearFocus()

    def reveal(self, widget: QWidget) -> None:
        """Scroll so ``widget`` (and a caption above it) shows above the keyboard."""
        if self.content is None or not widget.isVisible():
            return
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the keyboard has just come up: the scrolled part is shorter
        self.scroll_area.ensureWidgetVisible(widget, 0, 72)

    def show_error(self, text: str) -> None:
        self.error.setText("✗ " + text)
        self.error.show()
        self.say(text)  # every error is spoken too (docs/ui.md, Voice)
        QTimer.singleShot(0, lambda: self.reveal(self.error))


class PermitScreen(FormScreen):
    name = "permit"

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.title(lay, "permit.title", "permit.subtitle")
        row = QHBoxLayout()
        row.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(label(self.texts.tr("permit.type"), "fieldCaption"))
        left.addLayout(
            choice_grid(
                [(p.key, self.texts.pick(p)) for p in codes.permit_types()],
                visit.permit.type,
                self.set_type,
                1,
            )
        )
        left.addStretch(1)
        row.addLayout(left, 1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(label(self.texts.tr("permit.expiry"), "fieldCaption"))
        picker = DatePicker(self.texts, visit.permit.expires)
        picker.picked.connect(self.set_date)
        right.addWidget(picker)
        right.addWidget(self.error)
        right.addStretch(1)
        row.addLayout(right, 2 if self.room() >= 1600 else 3)  # day buttons need the width
        lay.addLayout(row, 1)
        self.footer(lay, on_next=self.done)

    def set_type(self, key: str) -> None:
        self.ctx.visit.permit.type = key
        self.enter()

    def set_date(self, day: object) -> None:
        self.ctx.visit.permit.expires = day  # type: ignore[assignment]
        self.error.hide()
        # a date the rule accepts moves on by itself (one tap); any other waits for "next",
        # which leads to the screen that says why (a wrong day tapped can still be changed)
        step = self.ctx.step
        if step is not None and step.rule:
            outcome = branching.decide(step.rule, self.ctx.visit, self.ctx.rules).outcome
            if outcome in ("renew", "valid"):
                QTimer.singleShot(0, lambda: self._moved_on(step))

    def _moved_on(self, step: object) -> None:
        if self.ctx.step is step:  # still here (not left by another tap meanwhile)
            self.ctx.advance()

    def done(self) -> None:
        if self.ctx.visit.permit.expires is None:
            self.show_error(self.texts.tr("permit.need_date"))
            return
        self.ctx.advance()


class AddressScreen(FormScreen):
    name = "address"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        addr = self.ctx.visit.residence
        self.title(lay, "address.title", "address.subtitle")
        journey = self.ctx.journey.key if self.ctx.journey else ""
        if journey == "renewal":
            self.renewal_banner(lay)
        elif journey == "change" and any(
            c.item == "residence_address" for c in self.ctx.visit.changes
        ):
            lay.addWidget(label(self.texts.tr("address.new_from_changes"), "note"))
        districts = codes.districts()
        lay.addWidget(label(self.texts.tr("address.district"), "value"))
        lay.addLayout(
            choice_grid(
                [(d.key, self.texts.pick(d)) for d in districts],
                addr.district,
                self.set_district,
                6,
            )
        )
        chosen = codes.district(addr.district)
        if chosen is not None:
            lay.addWidget(label(self.texts.tr("address.street"), "value"))
            lay.addLayout(
                choice_grid(
                    [(s.zh, self.texts.pick(s)) for s in chosen.streets],
                    addr.street,
                    self.set_street,
                    7,
                )
            )
        optional = self.ctx.step is not None and "residence.detail" in self.ctx.step.optional_fields
        # once the street is chosen, a required detail is the next thing to do: the keyboard
        # comes up for it; an optional one waits for a tap
        self.keypad_first = bool(addr.street) and not optional and not addr.detail
        if addr.street:
            caption = self.texts.tr("address.detail_optional" if optional else "address.detail")
            edit = self.add_field(lay, caption, field_edit("text", addr.detail, 60))
            edit.textChanged.connect(self.set_detail)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=lambda: self.done(optional))
        if addr.street:
            self.add_keypad(lay)

    def renewal_banner(self, lay: QVBoxLayout) -> None:
        """The renewal decision on this screen, not a screen of its own; then "地址未变" (one tap
        for the usual case) above the district and street for a new address."""
        permit = self.ctx.visit.permit
        decision = (
            branching.decide("renewal_window", self.ctx.visit, self.ctx.rules)
            if permit.expires is not None
            else None
        )
        if decision is not None and decision.outcome == "renew":
            box, inner = frame("goodCard")
            inner.addWidget(label("✓ " + self.texts.tr("decision.ok"), "value"))
            self.spoken.append(self.texts.tr("decision.ok"))  # said with the screen's prompt
            for reason in decision.reasons:
                inner.addWidget(label(self.texts.pick(reason)))
            inner.addWidget(label(self.texts.pick(self.ctx.rules.employer_note), "note"))
            lay.addWidget(box)
        row = QHBoxLayout()
        row.setSpacing(24)
        same = self.ctx.visit.residence.unchanged
        b = button(
            ("✓ " if same else "") + self.texts.tr("address.unchanged"), self.unchanged, "bigChoice"
        )
        b.setProperty("choice", "unchanged")
        row.addWidget(b)
        row.addWidget(label(self.texts.tr("address.unchanged.hint"), "note"), 1)
        lay.addLayout(row)

    def unchanged(self) -> None:
        """The address already registered: nothing else to choose or type."""
        self.ctx.visit.residence = Address(unchanged=True)
        self.ctx.advance()

    def set_district(self, code: str) -> None:
        residence = self.ctx.visit.residence
        residence.unchanged = False
        if code != residence.district:
            residence.district, residence.street = code, ""
        self.enter()

    def set_street(self, street: str) -> None:
        self.ctx.visit.residence.street = street
        self.enter()

    def set_detail(self, text: str) -> None:
        self.ctx.visit.residence.detail = text

    def done(self, optional: bool) -> None:
        addr = self.ctx.visit.residence
        if addr.unchanged:
            self.ctx.advance()
            return
        if not (addr.district and addr.street):
            self.show_error(self.texts.tr("address.incomplete"))
            return
        if not optional and self.fields and not addr.detail.strip():
            self.field_error(
                self.fields[0], self.texts.tr("field.empty", what=self.texts.tr("address.detail"))
            )
            return
        # a change of address: the new one is what was chosen here (typed once, not twice)
        for change in self.ctx.visit.changes:
            if change.item == "residence_address":
                change.new = values.address(addr, self.texts.language())
        self.ctx.advance()


class PhoneScreen(FormScreen):
    name = "phone"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "phone.title", "phone.subtitle")
        edit = self.add_field(lay, "", field_edit("digits", self.ctx.visit.phone, 11))
        edit.setObjectName("phoneField")
        edit.setMaximumWidth(640)
        edit.textChanged.connect(self.set_phone)
        pad = self.add_keypad(lay, hideable=False, inline=True)
        pad.setMaximumWidth(640)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)

    def set_phone(self, text: str) -> None:
        self.ctx.visit.phone = text

    def phone_problem(self, phone: str) -> str:
        """Exactly what is wrong with a mobile number, in words (never only a colour)."""
        if not phone:
            return self.texts.tr("phone.empty")
        if len(phone) != 11:
            return self.texts.tr("phone.length", n=len(phone))
        return self.texts.tr("phone.start", start=phone[:2])

    def done(self) -> None:
        phone = self.ctx.visit.phone
        if not PHONE.match(phone):
            self.field_error(self.fields[0], self.phone_problem(phone))
            return
        logs.register_sensitive(self.ctx.visit.phone)  # masked in every log line until the wipe
        self.ctx.advance()


class ConditionScreen(FormScreen):
    """Choose the condition first (the whole screen for the choice), then fill in its details."""

    name = "condition"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.captions: dict[QLineEdit, str] = {}
        self.title(lay, "condition.title", "condition.subtitle")
        conditions = codes.conditions()
        lay.addLayout(
            choice_grid(
                [(c.key, self.texts.pick(c)) for c in conditions],
                visit.condition,
                self.set_condition,
                2,
            )
        )
        # the student question is answered like the condition: yes or no, nothing pre-chosen
        lay.addWidget(label(self.texts.tr("condition.student"), "fieldCaption"))
        answered = None if visit.student is None else f"student_{'yes' if visit.student else 'no'}"
        lay.addLayout(
            choice_grid(
                [
                    ("student_yes", self.texts.tr("condition.student_yes")),
                    ("student_no", self.texts.tr("condition.student_no")),
                ],
                answered,
                self.set_student,
                2,
            )
        )
        current = next((c for c in conditions if c.key == visit.condition), None)
        if (
            current is not None
            and self.ctx.journey is not None
            and self.ctx.journey.key != "eligibility"
        ):
            row = QHBoxLayout()
            row.setSpacing(24)
            for key in current.details:
                col = QVBoxLayout()
                col.setSpacing(8)
                caption = self.texts.pick(codes.detail_field(key))
                edit = self.add_field(
                    col, caption, field_edit("text", visit.condition_details.get(key, ""), 60)
                )
                self.captions[edit] = caption
                edit.textChanged.connect(
                    lambda text, k=key: visit.condition_details.__setitem__(k, text)
                )
                row.addLayout(col, 1)
            if current.details:
                lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)
        if self.fields:
            self.add_keypad(lay)

    def set_condition(self, key: str) -> None:
        self.ctx.visit.condition = key
        self.ctx.visit.condition_details = {}
        self.enter()

    def set_student(self, key: str) -> None:
        self.ctx.visit.student = key == "student_yes"
        self.enter()

    def done(self) -> None:
        if not self.ctx.visit.condition:
            self.show_error(self.texts.tr("condition.need"))
            return
        if self.ctx.visit.student is None:
            self.show_error(self.texts.tr("condition.need_student"))
            return
        if self.first_empty(self.captions):
            return
        self.ctx.advance()


class RelativesScreen(FormScreen):
    """Optional: the relatives added so far, and a box to add one more. Typing one in and
    tapping "next" adds it too (nobody has to know about the add button)."""

    name = "relatives"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.title(lay, "relatives.title", "relatives.subtitle")
        for n, rel in enumerate(visit.relatives):
            box, inner = frame()
            row = QHBoxLayout()
            relation = self.texts.pick(codes.label("relationships", rel.relation))
            text = f"✓ {rel.name} · {relation} · {idnumber.mask(rel.id_number)}"
            row.addWidget(label(text, "value"), 1)
            row.addWidget(button(self.texts.tr("btn.remove"), lambda i=n: self.remove(i)))
            inner.addLayout(row)
            lay.addWidget(box)
        if not visit.relatives:
            lay.addWidget(label(self.texts.tr("relatives.none"), "note"))
        box, inner = frame()
        inner.addWidget(label(self.texts.tr("relatives.form"), "sectionTitle"))
        # who they are first (taps only), then name and number (the keyboard comes up for them)
        inner.addWidget(label(self.texts.tr("relatives.relation"), "fieldCaption"))
        self.relation = visit.draft.get("relation")
        inner.addLayout(
            choice_grid(
                [(r.key, self.texts.pick(r)) for r in codes.relationships()],
                self.relation,
                self.set_relation,
                4,
            )
        )
        row = QHBoxLayout()
        row.setSpacing(24)
        self.name_edit = field_edit("text", "", 20)
        self.id_edit = field_edit("letters", "", 18)
        col1, col2 = QVBoxLayout(), QVBoxLayout()
        col1.setSpacing(8)
        col2.setSpacing(8)
        self.add_field(col1, self.texts.tr("relatives.name"), self.name_edit)
        self.add_field(col2, self.texts.tr("relatives.id"), self.id_edit)
        row.addLayout(col1, 1)
        row.addLayout(col2, 1)
        inner.addLayout(row)
        add_row = QHBoxLayout()
        add_row.addWidget(button(self.texts.tr("relatives.add"), self.add, "add"))
        add_row.addStretch(1)
        inner.addLayout(add_row)
        lay.addWidget(box)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)
        self.add_keypad(lay)

    def set_relation(self, key: str) -> None:
        """Mark the choice in place: a redraw would lose what is typed in the fields."""
        self.relation = key
        self.ctx.visit.draft["relation"] = key
        keys = {r.key for r in codes.relationships()}
        for b in self.content.findChildren(QPushButton) if self.content else []:
            if b.property("choice") in keys:
                mine = b.property("choice") == key
                b.setChecked(mine)
                text = self.texts.pick(codes.label("relationships", b.property("choice")))
                b.setText(("✓ " if mine else "") + text)

    def typed(self) -> bool:
        return bool(self.name_edit.text().strip() or self.id_edit.text().strip())

    def add(self) -> bool:
        name, number = self.name_edit.text().strip(), self.id_edit.text().strip().upper()
        if self.first_empty(
            {
                self.name_edit: self.texts.tr("relatives.name"),
                self.id_edit: self.texts.tr("relatives.id"),
            }
        ):
            return False
        checked = idnumber.check(number)
        if not checked.valid:
            reason = self.texts.pick(checked.reason) if checked.reason else ""
            self.field_error(self.id_edit, self.texts.tr("relatives.bad_id", reason=reason))
            return False
        if not self.relation:
            self.show_error(self.texts.tr("relatives.need_relation"))
            return False
        self.ctx.visit.relatives.append(Relative(name, self.relation, number))
        self.ctx.visit.draft.pop("relation", None)
        self.enter()
        return True

    def remove(self, index: int) -> None:
        del self.ctx.visit.relatives[index]
        self.enter()

    def done(self) -> None:
        if self.typed() and not self.add():
            return
        self.ctx.advance()


class ReasonScreen(FormScreen):
    name = "reason"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "reason.title", "reason.subtitle")
        options = [(r.key, self.texts.pick(r)) for r in codes.replacement_reasons()]
        reason = self.ctx.visit.replacement_reason
        lay.addLayout(choice_grid(options, reason or None, self.set_reason, 2))
        if reason:
            lay.addWidget(label(self.texts.tr(f"reason.{reason}.note"), "note"))
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)

    def set_reason(self, key: str) -> None:
        self.ctx.visit.replacement_reason = key
        self.enter()

    def done(self) -> None:
        if not self.ctx.visit.replacement_reason:
            self.show_error(self.texts.tr("reason.need"))
            return
        self.ctx.advance()


class ChangesScreen(FormScreen):
    name = "changes"

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        kind = self.kind = self.ctx.journey.key if self.ctx.journey else "change"
        self.title(lay, f"changes.title.{kind}", "changes.subtitle")
        for n, item in enumerate(visit.changes):
            added, added_lay = frame()
            row = QHBoxLayout()
            what = self.texts.pick(codes.label("change_items", item.item))
            line = "✓ " + self.texts.tr("changes.line", what=what, old=item.old, new=item.new)
            row.addWidget(label(line, "value"), 1)
            row.addWidget(button(self.texts.tr("btn.remove"), lambda i=n: self.remove(i)))
            added_lay.addLayout(row)
            lay.addWidget(added)
        box, inner = frame()
        self.item = visit.draft.get("change_item")  # none chosen until the applicant taps one
        inner.addLayout(
            choice_grid(
                [(c.key, self.texts.pick(c)) for c in codes.change_items()],
                self.item,
                self.set_item,
                7,
            )
        )
        row = QHBoxLayout()
        row.setSpacing(24)
        self.edits: dict[str, QLineEdit] = {}
        for key in ("old", "new", "why"):
            col = QVBoxLayout()
            col.setSpacing(8)
            self.edits[key] = self.add_field(
                col, self.texts.tr(f"changes.{key}"), field_edit("text", "", 60)
            )
            if key == "new" and self.new_address_later():  # entered once, on the next screen
                self.edits[key].hide()
                col.addWidget(label(self.texts.tr("changes.new_address_next"), "note"))
            row.addLayout(col, 1)
        inner.addLayout(row)
        add_row = QHBoxLayout()
        add_row.addWidget(button(self.texts.tr("changes.add"), self.add, "add"))
        add_row.addStretch(1)
        inner.addLayout(add_row)
        lay.addWidget(box)
        lay.addWidget(self.error)
        self.footer(lay, on_next=self.done)
        self.add_keypad(lay)

    def set_item(self, key: str) -> None:
        self.item = key
        self.ctx.visit.draft["change_item"] = key
        kept = {k: e.text() for k, e in self.edits.items()}
        self.enter()
        for k, text in kept.items():
            self.edits[k].setText(text)
        # what the card says, to check rather than type again: the value being changed, or for
        # a correction the right one (the card is what the record should have said)
        prefill = self.edits["new" if self.kind == "correction" else "old"]
        if not prefill.text() and not prefill.isHidden():
            prefill.setText(self.from_card(key))

    def from_card(self, item: str) -> str:
        """The old value of ``item`` as the ID card holds it ("" when the card does not)."""
        card = self.ctx.visit.card
        if card is None:
            return ""
        field = {"name": "name", "id_number": "id_number", "household_address": "address"}
        return str(getattr(card, field.get(item, ""), "") or "") if item in field else ""

    def new_address_later(self) -> bool:
        """A change of residence address: the new one is chosen on the address step next."""
        journey = self.ctx.journey
        steps = {s.key for s in journey.steps} if journey else set()
        return self.item == "residence_address" and "address" in steps

    def add(self) -> None:
        old, new, why = (self.edits[k].text().strip() for k in ("old", "new", "why"))
        if not self.item:
            self.show_error(self.texts.tr("changes.need_item"))
            return
        asked = {
            self.edits[k]: self.texts.tr(f"changes.{k}")
            for k in ("old", "new", "why")
            if not (k == "new" and self.new_address_later())
        }
        if self.first_empty(asked):
            return
        if old == new:
            self.show_error(self.texts.tr("changes.bad"))
            return
        self.ctx.visit.changes.append(ChangeItem(self.item, old, new, why))
        self.ctx.visit.draft.pop("change_item", None)
        self.enter()

    def remove(self, index: int) -> None:
        del self.ctx.visit.changes[index]
        self.enter()

    def done(self) -> None:
        if any(e.text().strip() for e in self.edits.values()):
            self.add()
            if self.error.isVisible() or any(e.isVisible() for e in self.field_errors.values()):
                return
        if not self.ctx.visit.changes:
            self.show_error(self.texts.tr("changes.none"))
            return
        self.ctx.advance()


class IdentityScreen(FormScreen):
    """Eligibility query without a card: name and ID number typed."""

    name = "identity"

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.title(lay, "identity.title", "identity.subtitle")
        name = self.add_field(
            lay, self.texts.tr("identity.name"), field_edit("text", visit.typed_name, 20)
        )
        number = self.add_field(
            lay, self.texts.tr("identity.id"), field_edit("letters", visit.typed_id_number, 18)
        )
        name.textChanged.connect(lambda t: setattr(visit, "typed_name", t))
        number.textChanged.connect(lambda t: setattr(visit, "typed_id_number", t.upper()))
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)
        self.add_keypad(lay)

    def done(self) -> None:
        visit = self.ctx.visit
        name, number = self.fields[0], self.fields[1]
        if self.first_empty(
            {name: self.texts.tr("identity.name"), number: self.texts.tr("identity.id")}
        ):
            return
        checked = idnumber.check(visit.typed_id_number)
        if not checked.valid:
            reason = self.texts.pick(checked.reason) if checked.reason else ""
            self.field_error(number, self.texts.tr("relatives.bad_id", reason=reason))
            return
        self.ctx.advance()
