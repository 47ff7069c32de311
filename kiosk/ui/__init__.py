"""The touch UI (Qt widgets), driven by a Qt state machine built from kiosk.workflows."""
