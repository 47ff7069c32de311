"""The back-office hub: receives kiosks' sealed submissions (see kiosk-hub)."""
