"""Constants and types the supervisor tests share (conftest.py holds the fixtures)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.application import Application

ADMIN_PIN = "246810"
STAFF_PIN = "135792"

SubmitMany = Callable[..., list[Application]]
