"""The console's words, Simplified Chinese first and English second (one table, both languages
side by side, so a missing translation is seen where it is written)."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from kiosk import resources
from kiosk.domain import codes

LANGS = ("zh", "en")
WORDS: dict[str, tuple[str, str]] = {
    "title": ("柜台工作台", "Counter console"),
    "hub": ("居住证自助受理 · 后台", "Residence-permit kiosks · hub"),
    "switch": ("English", "中文"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "user": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码不正确。", "Wrong user name or password."),
    "locked": (
        "尝试次数过多，账号已暂时锁定，请15分钟后再试或联系管理员。",
        "Too many tries: the account is locked for 15 minutes; try later or ask an administrator.",
    ),
    "idle_out": (
        "您已因长时间未操作而自动退出，请重新登录。",
        "You were signed out after a while without use; sign in again.",
    ),
    "nav.help": ("求助呼叫", "Help calls"),
    "nav.queue": ("今日受理", "Today's queue"),
    "nav.fleet": ("设备状态", "Kiosks"),
    "signed_as": (
        "当前用户：{user}（{role}，受理点 {point}）",
        "Signed in: {user} ({role}, point {point})",
    ),
    "role.counter": ("窗口人员", "counter"),
    "role.supervisor": ("主管", "supervisor"),
    "role.admin": ("管理员", "admin"),
    "help.title": ("本受理点的求助呼叫", "Help calls at this point"),
    "help.none": ("目前没有待处理的呼叫。", "No open help calls."),
    "help.kiosk": ("自助机", "Kiosk"),
    "help.screen": ("所在页面", "Screen"),
    "help.at": ("呼叫时间", "Called at"),
    "help.ack": ("已收到，马上过去", "Acknowledge"),
    "help.waiting": ("等待 {n} 分钟", "waiting {n} min"),
    "queue.title": ("今日受理（{day}）", "Today's queue ({day})"),
    "queue.none": ("今天还没有提交的申请。", "No applications submitted today."),
    "queue.number": ("排队号", "Queue no."),
    "queue.service": ("业务", "Service"),
    "queue.status": ("状态", "Status"),
    "queue.time": ("提交时间", "Submitted"),
    "queue.open": ("查看", "Open"),
    "call.title": ("叫号", "Call the queue"),
    "call.window": ("窗口", "Window"),
    "call.next": ("叫下一位", "Call next"),
    "call.again": ("重复叫号", "Call again"),
    "call.nobody": ("没有等待叫号的申请人。", "Nobody is waiting to be called."),
    "call.last": ("刚才：请 {number} 到 {window} 号窗口", "Last: {number} to window {window}"),
    "case.title": ("申请详情 {number}", "Application {number}"),
    "case.back": ("返回今日受理", "Back to today's queue"),
    "case.photo": ("相片", "Photo"),
    "case.name": ("姓名", "Name"),
    "case.id": ("身份证号", "ID number"),
    "case.phone": ("手机号", "Phone"),
    "case.address": ("居住地址", "Address"),
    "case.kiosk": ("自助机", "Kiosk"),
    "case.application_number": ("申请编号", "Application no."),
    "case.decision": ("审核决定", "Decision"),
    "case.decided": ("已由 {by} 于 {at} 作出决定：{status}", "Decided by {by} at {at}: {status}"),
    "case.conflict": (
        "决定冲突（以先作出的为准）：{text}",
        "Conflicting decisions (the first stands): {text}",
    ),
    "case.reason": ("原因或需补充的材料", "Reason, or the materials to bring"),
    "case.approve": ("审核通过", "Approve"),
    "case.request": ("请补充材料", "Request materials"),
    "case.reject": ("不予受理", "Reject"),
    "case.need_reason": ("请填写原因或需补充的材料。", "Type the reason or the materials."),
    "case.already": (
        "该申请已有决定，先作出的决定有效。",
        "This application is decided already; the first decision stands.",
    ),
    "case.receipt": ("打印受理回执（PDF）", "Print the 受理回执 (PDF)"),
    "case.receipt_needs": ("作出决定后才能打印受理回执。", "Decide first, then print the receipt."),
    "case.unreadable": (
        "无法打开该申请的加密内容。",
        "This application's sealed content cannot be opened.",
    ),
    "fleet.title": ("全部自助机", "Every kiosk"),
    "fleet.kiosk": ("自助机", "Kiosk"),
    "fleet.point": ("受理点", "Point"),
    "fleet.last": ("最后联系", "Last contact"),
    "fleet.queue": ("待发送", "Outbox"),
    "fleet.quarantined": ("被拒收", "Quarantined"),
    "fleet.reader": ("读卡器", "Reader"),
    "fleet.camera": ("摄像头", "Camera"),
    "fleet.printer": ("打印机", "Printer"),
    "fleet.paper": ("纸张", "Paper"),
    "fleet.version": ("版本", "Version"),
    "fleet.audit": ("审计链", "Audit chain"),
    "fleet.stale": ("超过10分钟未联系", "no contact for over 10 min"),
    "fleet.paper_low": ("纸将用完", "low"),
    "fleet.match": ("一致", "matches"),
    "fleet.mismatch": ("不一致", "differs"),
    "fleet.unknown": ("未知", "unknown"),
    "status.submitted": ("已提交", "Submitted"),
    "status.accepted": ("已受理", "Accepted"),
    "status.approved": ("审核通过", "Approved"),
    "status.materials_requested": ("请补充材料", "Please bring more materials"),
    "status.rejected": ("不予受理", "Not accepted"),
    "status.collect": ("可领证", "Ready to collect"),
    "display.call": (
        "请 {number} 到 {window} 号窗口",
        "Number {number}, please go to window {window}",
    ),
    "display.wait": ("请留意叫号", "Please wait for your number"),
    "progress.title": ("办理进度", "Application progress"),
    "progress.service": ("业务", "Service"),
    "progress.date": ("提交日期", "Submitted on"),
    "progress.status": ("当前状态", "Status"),
    "progress.note": (
        "本页面只显示办理状态，不显示任何个人信息。",
        "This page shows the status only, never personal details.",
    ),
    "not_found": ("没有找到该页面。", "Page not found."),
    "too_many": ("查询过于频繁，请一分钟后再试。", "Too many look-ups; try again in a minute."),
    "csrf": (
        "表单已过期，请刷新页面后重试。",
        "The form has expired; reload the page and try again.",
    ),
}


def tr(lang: str, key: str, **values: Any) -> str:
    zh, en = WORDS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


@cache
def _screens() -> dict[str, dict[str, str]]:
    """The kiosk's own names for its screens (supervisor mode lists help calls with them)."""
    with resources.path("translations", "supervisor.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return {k: v for k, v in table.items() if k.startswith("screen.") and isinstance(v, dict)}


def screen(lang: str, name: str) -> str:
    """Where a help call came from, in words: "renewal.photo" → "延期 · 照片"."""
    journey, _, step = name.rpartition(".")
    words = _screens().get(f"screen.{step}", {}).get(lang, step)
    return f"{service(lang, journey)} · {words}" if journey else words


def service(lang: str, key: str) -> str:
    try:
        return codes.service(key).text(lang)
    except (StopIteration, KeyError):
        return key


def role(lang: str, key: str) -> str:
    return tr(lang, f"role.{key}") if f"role.{key}" in WORDS else key


def status(lang: str, key: str) -> str:
    return tr(lang, f"status.{key}") if f"status.{key}" in WORDS else key
