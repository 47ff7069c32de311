"""Every status code of the reader (SW3) and of the host side, with a zh/en message for people.

``kind`` tells the driver what to do: ``ok`` go on; ``no_card`` keep polling; ``card`` the card
or its handling failed (retry from find, then report); ``sam`` the reader's security module is
unusable (reset, then report); ``host`` the reader refused our frame (resend); ``none`` the card
has no such item (not an error for the basic read).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.messages import Message


@dataclass(frozen=True)
class Status:
    sw3: int | None  # None for host-side conditions that have no wire code
    name: str
    kind: str
    zh: str
    en: str

    @property
    def message(self) -> Message:
        return Message(self.name, self.zh, self.en)

    @property
    def is_ok(self) -> bool:
        return self.kind == "ok"


_PLEASE_AGAIN_ZH = "请将证件取下后重新放在读卡区。"
_PLEASE_AGAIN_EN = "Please lift the card off and place it on the reader again."
_STAFF_ZH = "请联系工作人员。"
_STAFF_EN = "Please ask a member of staff for help."

_TABLE: tuple[Status, ...] = (
    Status(0x90, "ok", "ok", "操作成功。", "Done."),
    Status(0x9F, "card_found", "ok", "已找到证件。", "Card found."),
    Status(0x91, "no_content", "none", "证件上没有该项内容。", "The card holds no such item."),
    Status(0x80, "no_card", "no_card", "未放置证件。", "No card on the reader."),
    Status(
        0x81,
        "select_failed",
        "card",
        "选卡失败。" + _PLEASE_AGAIN_ZH,
        "The card could not be selected. " + _PLEASE_AGAIN_EN,
    ),
    Status(
        0x41,
        "read_failed",
        "card",
        "读卡失败，证件可能被移动。" + _PLEASE_AGAIN_ZH,
        "Reading failed; the card may have moved. " + _PLEASE_AGAIN_EN,
    ),
    Status(
        0x40,
        "unknown_card",
        "card",
        "无法识别的证件类型，请放置身份证或居住证。",
        "This card type is not recognised; please use an ID card or residence permit.",
    ),
    Status(
        0x31,
        "card_auth_sam",
        "card",
        "证件认证机具失败。" + _PLEASE_AGAIN_ZH,
        "The card failed to authenticate the reader. " + _PLEASE_AGAIN_EN,
    ),
    Status(
        0x32,
        "sam_auth_card",
        "card",
        "机具认证证件失败，证件可能已损坏或非真实证件。" + _STAFF_ZH,
        "The reader failed to authenticate the card; it may be damaged or not genuine. "
        + _STAFF_EN,
    ),
    Status(
        0x33,
        "verify_failed",
        "card",
        "证件信息验证错误。" + _STAFF_ZH,
        "The card's information failed verification. " + _STAFF_EN,
    ),
    Status(
        0x47,
        "random_failed",
        "card",
        "取随机数失败。" + _PLEASE_AGAIN_ZH,
        "The reader could not get a random number from the card. " + _PLEASE_AGAIN_EN,
    ),
    Status(
        0x10,
        "bad_checksum",
        "host",
        "读卡器收到的数据校验和错误。",
        "The reader received data with a wrong checksum.",
    ),
    Status(
        0x11,
        "bad_length",
        "host",
        "读卡器收到的数据长度错误。",
        "The reader received data of a wrong length.",
    ),
    Status(
        0x21,
        "bad_command",
        "host",
        "读卡器不接受该命令。",
        "The reader does not accept this command.",
    ),
    Status(
        0x23,
        "not_permitted",
        "host",
        "读卡器拒绝了越权操作。",
        "The reader refused an operation that is not permitted.",
    ),
    Status(
        0x24,
        "unrecognised",
        "host",
        "读卡器报告未知错误。",
        "The reader reported an unknown error.",
    ),
    Status(
        0x60,
        "sam_self_test",
        "sam",
        "读卡器安全模块自检失败，暂不能读卡。" + _STAFF_ZH,
        "The reader's security module failed its self-test and cannot read cards. " + _STAFF_EN,
    ),
    Status(
        0x66,
        "sam_not_authorised",
        "sam",
        "读卡器安全模块未经授权，不能使用。" + _STAFF_ZH,
        "The reader's security module is not authorised. " + _STAFF_EN,
    ),
    Status(
        0xFF, "comm_fault", "host", "读卡器通信故障。", "The reader reported a communication fault."
    ),
)

# host-side conditions (no wire code)
TIMEOUT = Status(None, "timeout", "host", "读卡器没有应答。", "The card reader did not answer.")
BAD_FRAME = Status(
    None, "bad_frame", "host", "读卡器的应答已损坏。", "The card reader's answer was garbled."
)
LOST = Status(
    None,
    "reader_lost",
    "host",
    "读卡器已断开，正在重新连接。" + _STAFF_ZH,
    "The card reader was disconnected; reconnecting. " + _STAFF_EN,
)
NOT_FOUND = Status(
    None,
    "reader_not_found",
    "host",
    "找不到读卡器，请检查连接。",
    "The card reader was not found; please check its cable.",
)
# the card was read, but its data do not hold together: not "no card", not worth another try
BAD_CARD_DATA = Status(
    None,
    "card_data_invalid",
    "card",
    "证件信息无法识别，请到柜台办理。",
    "The card's information cannot be recognised; please go to the counter.",
)
NO_CARD_IN_TIME = Status(
    None, "no_card_in_time", "no_card", "在规定时间内没有放置证件。", "No card was placed in time."
)

BY_CODE: dict[int, Status] = {s.sw3: s for s in _TABLE if s.sw3 is not None}
HOST_SIDE: tuple[Status, ...] = (
    TIMEOUT,
    BAD_FRAME,
    LOST,
    NOT_FOUND,
    BAD_CARD_DATA,
    NO_CARD_IN_TIME,
)


def lookup(sw3: int) -> Status:
    """The status for a wire code; codes no source documents still get a clear message."""
    known = BY_CODE.get(sw3)
    if known is not None:
        return known
    return Status(
        sw3,
        f"status_{sw3:02x}",
        "host",
        f"读卡器返回未知状态码 {sw3:02X}。" + _STAFF_ZH,
        f"The card reader returned an unknown status {sw3:02X}. " + _STAFF_EN,
    )


def all_statuses() -> tuple[Status, ...]:
    return _TABLE + HOST_SIDE
