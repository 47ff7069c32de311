"""Domain rules as plain Python: ID numbers, code tables, eligibility and renewal.

Nothing here imports Qt or touches the disk beyond reading the shipped data files; the applicant
journeys in :mod:`kiosk.workflows` and the UI build on it.
"""
