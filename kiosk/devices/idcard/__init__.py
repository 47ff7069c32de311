"""The SAM ID-card reader on a serial line: codec, card parsing, driver, simulator, Qt bridge."""
