"""Printers behind one small interface (CUPS, ESC/POS over serial, save-to-folder) and the print-job
queue that stores every job before printing it. See docs/documents-and-printing.md."""
