"""Printers behind one small interface (CUPS, ESC/POS over serial, save-to-folder, in memory) and
the print-job queue that stores every job before printing it. See docs/documents-and-printing.md."""
