"""The kiosk's tasks, one module each, with no Qt: what the UI, the CLI and supervisor mode call.

Each task is a plain function or small class that takes what it needs (session factory, config,
rule book, enrolment, print queue, clock) as arguments and returns a result; none of them reads
global state to find its collaborators. See docs/architecture.md.
"""
