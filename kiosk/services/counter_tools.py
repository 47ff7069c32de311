"""Counter tools for staff: leaving the kiosk, audited print requests.

Printing itself is :mod:`kiosk.services.printing`; this module only records who asked for which
document, so every reprint is in the audit log. Help calls are :mod:`kiosk.services.help_calls`.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from kiosk.storage import audit

LeaveKind = Literal["exit", "restart", "shutdown"]
DOCUMENTS: tuple[str, ...] = ("receipt", "form", "slip")


def record_print(
    session: Session, actor: str, document: str, application_number: str, reprint: bool
) -> None:
    """Audit a print request made from supervisor mode (``receipt`` = the official 受理回执)."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}")
    action = f"print.{document}" + (".reprint" if reprint else "")
    audit.append(session, actor, action, subject=application_number)


def record_leave(session: Session, actor: str, kind: LeaveKind) -> None:
    """Exit, restart or shut down: only from supervisor mode, always audited."""
    audit.append(session, actor, f"kiosk.{kind}")
