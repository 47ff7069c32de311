"""First-run setup without Qt: is it needed, what devices are there, and saving the answers.

The wizard (``kiosk.ui.setup_wizard``) asks; this module detects devices and applies the answers:
the administrator account (through ``kiosk.services.staff``), enrolment with the hub (through
``kiosk.sync.enrolment``) and ``config.toml`` (through ``kiosk.config.save``, keeping what the file
already had). Demo mode and every CLI subcommand never look at it.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import logs, paths
from kiosk.config import Config, save

_log = logs.get("kiosk")
SIMULATOR = ""  # reader.port / camera.source value meaning "the simulator" (demo, training)


def needs_setup(config: Config) -> bool:
    """True until the wizard has finished once on this kiosk (``setup.completed`` is set)."""
    return not str(config["setup.completed"]).strip()


@dataclass(frozen=True)
class Device:
    value: str  # what goes into the config (port, camera index, printer target)
    label: str  # what the wizard shows


def serial_ports() -> list[Device]:
    """Serial ports the ID-card reader or an ESC/POS printer may sit on (USB adapters first)."""
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda p: (p.vid is None, p.device))
    return [
        Device(p.device, f"{p.device} — {p.description}" if p.description != "n/a" else p.device)
        for p in ports
    ]


def cameras(max_index: int = 4) -> list[Device]:
    """Camera indices that open and give a frame. Slow (a second per absent index): call it
    from a worker thread."""
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    found = []
    for index in range(max_index):
        cap = cv2.VideoCapture(index)
        try:
            if cap.isOpened() and cap.read()[0]:
                width, height = (
                    int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                    int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                )
                found.append(Device(str(index), f"camera {index} ({width}×{height})"))
        finally:
            cap.release()
    return found


def cups_queues() -> list[Device]:
    """Printer queues CUPS knows (``lpstat -e``); none when CUPS is not installed."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        return []
    return [Device(f"cups:{q}", f"CUPS: {q}") for q in done.stdout.split() if done.returncode == 0]


@dataclass(frozen=True)
class SetupAnswers:
    point_code: str
    kiosk_id: str
    hub_url: str = ""
    enrolment_code: str = ""
    admin_username: str = ""
    admin_name: str = ""
    admin_pin: str = ""
    reader_port: str = SIMULATOR
    camera_source: str = "0"
    printer_form: str = "folder"
    printer_receipt: str = "folder"
    backup_key: str = ""  # the office's public backup key, or its .pub file on the key drive
    backup_folder: str = ""

    def settings(self) -> dict[str, Any]:
        return {
            "point.code": self.point_code.strip().upper(),
            "kiosk.id": self.kiosk_id.strip().upper(),
            "hub.url": self.hub_url.strip().rstrip("/"),
            "reader.port": self.reader_port.strip(),
            "camera.source": self.camera_source.strip(),
            "printer.form": self.printer_form.strip(),
            "printer.receipt": self.printer_receipt.strip(),
            **self.backup_settings(),
        }

    def backup_settings(self) -> dict[str, Any]:
        """The daily backup's settings, when the wizard was given them (else left as they are)."""
        values: dict[str, Any] = {}
        if self.backup_key.strip():
            from kiosk.services.backup import public_key_from

            raw = public_key_from(self.backup_key)
            values["backup.public_key"] = base64.b64encode(raw).decode("ascii")
        if self.backup_folder.strip():
            values["backup.folder"] = self.backup_folder.strip()
        return values


def check_settings(answers: SetupAnswers) -> None:
    """Refuse values the config schema refuses (raises ``ConfigError`` naming the key)."""
    Config({}).with_values(
        **{key.replace(".", "__"): value for key, value in answers.settings().items()}
    )


def needs_admin() -> bool:
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database()() as session:
        return staff.needs_first_admin(session)


def create_admin(answers: SetupAnswers) -> None:
    """The first administrator (raises ``StaffError`` with a bilingual message when refused)."""
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database()() as session, session.begin():
        staff.add_first_admin(
            session, answers.admin_username, answers.admin_name, answers.admin_pin
        )


def enrol(answers: SetupAnswers, config: Config) -> str:
    """Trade the enrolment code with the hub (network: call from a worker thread); the kiosk id
    the hub issued. Raises ``EnrolmentError`` with a bilingual message."""
    from kiosk.sync import enrolment

    return enrolment.enrol(answers.hub_url, answers.enrolment_code, config).kiosk_id


def enrolled_with(hub_url: str) -> bool:
    """Already enrolled with this hub (a retried Finish must not spend the code twice)."""
    from kiosk.sync import enrolment

    state = enrolment.load()
    return state is not None and state.hub_url.rstrip("/") == hub_url.strip().rstrip("/")


def _file_values(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return _flatten(tomllib.load(fh))


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def save_answers(answers: SetupAnswers, path: Path | None = None) -> Path:
    """Write the answers into ``config.toml`` (other keys already there are kept) and mark
    setup as done. Call last: until then the wizard comes back on the next start."""
    path = path or paths.config_file()
    values = _file_values(path)
    values.update(answers.settings())
    values["setup.completed"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    saved = save(values, path)
    _log.info("first-run setup saved for point %s kiosk %s", answers.point_code, answers.kiosk_id)
    return saved
