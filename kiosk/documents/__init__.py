"""The printed documents: application form, applicant's slip, official receipt (PDF, no Qt)."""
