"""The wire between kiosks and the hub, and nothing else.

Sealing (:mod:`.sealing`), request and answer signing (:mod:`.signing`), the sneakernet bundle
and acknowledgement files (:mod:`.bundle`), and private-file helpers (:mod:`.files`). It imports
nothing from ``kiosk`` — no storage, no configuration — so the hub (``kiosk_hub``) and the kiosk
(``kiosk.sync``) both build on it and neither drags in the other.

Every format here carries a version: a reader refuses a version it does not know with a message
that says so, and still reads what release 0.1.0 wrote (no version field, or ``"v": 1``).
"""
