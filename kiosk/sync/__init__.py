"""The transactional outbox, sealing and the sync worker that sends to the hub (no Qt)."""
