"""Counter kiosk for Shenzhen residence-permit (居住证) acceptance points."""

__version__ = "0.2.0.dev0"  # releases: see releases/README.md
