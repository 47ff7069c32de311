"""Supervisor mode for counter staff: PIN pad, review, counter tools, devices, sync, settings, audit.

The main window embeds :class:`kiosk.ui.supervisor.window.SupervisorArea`; see docs/supervisor.md.
"""
