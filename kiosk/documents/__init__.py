"""Printed documents: the application form, the applicant's slip and the staff's receipt.

No Qt here: reportlab draws the PDFs and Pillow the thermal-printer raster, so the UI, the CLI and
the tests all get the same bytes. The entry points for other parts:

- :func:`kiosk.documents.form.render_form` (A4 PDF)
- :func:`kiosk.documents.slip.render_slip` / ``render_slip_raster`` (80 mm or A4; raster for ESC/POS)
- :func:`kiosk.documents.receipt.render_receipt` / ``render_receipt_raster`` with a ``Review``
- :func:`kiosk.documents.fonts.missing` (characters that will print as code-point boxes)
"""
