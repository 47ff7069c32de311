"""The applicant journeys as plain Python (no Qt): steps, fields and branch rules as data."""
