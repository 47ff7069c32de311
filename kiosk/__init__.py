"""Counter kiosk for Shenzhen residence-permit (居住证) acceptance points."""

__version__ = "0.1.0"
