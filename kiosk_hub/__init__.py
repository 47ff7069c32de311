"""The back-office hub: receives kiosks' sealed submissions (see kiosk-hub)."""

from kiosk import __version__  # one distribution, one version

__all__ = ["__version__"]
