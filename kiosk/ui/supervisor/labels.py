"""Supervisor mode's words for stored codes: statuses, services, conditions, the screen of a help call."""

from __future__ import annotations

from kiosk.domain import codes
from kiosk.ui.texts import Texts


def status_text(texts: Texts, status: str) -> str:
    return texts.tr_or(f"status.{status}", status)


def service_text(texts: Texts, service: str) -> str:
    try:
        return codes.service(service).text(texts.language())
    except StopIteration:
        return service


def condition_text(texts: Texts, key: str) -> str:
    try:
        return codes.condition(key).text(texts.language())
    except StopIteration:
        return key


def screen_text(texts: Texts, screen: str) -> str:
    """Where a help call came from, in words: "renewal.photo" → "Renewal · Photo" (or its Chinese)."""
    journey, _, step = screen.rpartition(".")
    words = texts.tr_or(f"screen.{step}", step)
    if not journey:
        return words
    if texts.has(f"screen.{journey}"):
        return f"{texts.tr(f'screen.{journey}')} · {words}"
    return f"{service_text(texts, journey)} · {words}"
