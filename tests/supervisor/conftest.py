"""Supervisor fixtures: a real SQLite file in the test's data folder, staff, submitted applications."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN, STAFF_PIN, SubmitMany

from kiosk.config import Config
from kiosk.domain.application import Application
from kiosk.domain.rules import RuleBook
from kiosk.services import staff
from kiosk.services.submit import submit_application
from kiosk.storage.db import open_database
from kiosk.sync import demo_applications


@pytest.fixture
def factory() -> sessionmaker[Session]:
    return open_database()


@pytest.fixture
def accounts(factory: sessionmaker[Session]) -> dict[str, staff.StaffAccount]:
    with factory.begin() as session:
        admin = staff.add_first_admin(session, "admin", "管理员 Admin", ADMIN_PIN)
        wang = staff.add_staff(session, admin.actor, "wang", "王工 Wang", "staff", STAFF_PIN)
    return {"admin": admin, "wang": wang}


@pytest.fixture
def submit_many(factory: sessionmaker[Session]) -> SubmitMany:
    """Submit ``n`` made-up renewal applications through the real submission path."""

    def submit(n: int, seed: int = 7) -> list[Application]:
        rng = random.Random(seed)
        config = Config.load(overrides={"sync.demo": True})  # not enrolled: demo key
        photo = demo_applications.sample_photo()
        rules = RuleBook.load()
        return [
            submit_application(
                factory,
                demo_applications.made_up_application(rng, photo=photo),
                config,
                rules=rules,
                enrolled=None,
            ).application
            for _ in range(n)
        ]

    return submit
