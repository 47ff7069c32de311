"""ID-card reader self-check: the configured reader answers on its port; in demo mode a card is
read from the simulated reader through its pyserial URL (``kiosksim://``, no pseudo-terminal, so
the check runs on Windows too).

Nothing read is reported or logged: the detail says that a card was read, never whose.
"""

from __future__ import annotations

from kiosk.devices.errors import DeviceError
from kiosk.devices.idcard import samples
from kiosk.devices.idcard.driver import DriverConfig
from kiosk.devices.idcard.oneshot import NoCardError, read_one_card
from kiosk.selfcheck.base import CheckResult, Context

DEMO_TIMEOUT = (
    15.0  # seconds for the simulator to be found and a card read (it paces at 115200 baud)
)
ANSWER_TIMEOUT = 5.0  # seconds for a real reader to answer (no card need be on it)


def probe(ctx: Context) -> CheckResult:
    config = DriverConfig.from_config(ctx.config)
    baud = int(ctx.config["reader.baud"])
    if ctx.demo:
        names = samples.sample_names()
        if not names:
            return CheckResult(
                "reader", False, f"缺少演示身份证样本 / no sample cards in {samples.samples_dir()}"
            )
        try:
            read_one_card(f"kiosksim://{names[0]}", baud, DEMO_TIMEOUT, config)
        except DeviceError as exc:
            return CheckResult(
                "reader", False, f"{exc.message.zh} / simulated reader: {exc.message.en}"
            )
        return CheckResult("reader", True, "阅读器正常 / simulated reader: card read")
    port = str(ctx.config["reader.port"]).strip()
    if not port:
        return CheckResult(
            "reader",
            False,
            "未配置身份证阅读器 / reader.port is empty (set it in the setup wizard)",
        )
    try:
        read_one_card(port, baud, ANSWER_TIMEOUT, config)
    except NoCardError:  # it answered: a reader with no card on it is a working reader
        return CheckResult(
            "reader", True, f"阅读器正常（无卡）/ reader on {port} answers (no card placed)"
        )
    except DeviceError as exc:
        return CheckResult(
            "reader", False, f"{exc.message.zh} / reader on {port}: {exc.message.en}"
        )
    return CheckResult("reader", True, f"阅读器正常 / reader on {port} answers (a card is on it)")
