"""Self-checks of the back-office hub: is this kiosk enrolled, can it reach the hub now?"""

from __future__ import annotations

from kiosk.selfcheck.base import CheckResult, Context, missing_part

REACH_TIMEOUT = 5.0  # seconds; the check must not hang an administrator's terminal


def check_enrolment(ctx: Context) -> CheckResult:
    try:
        from kiosk.sync import enrolment
    except ImportError as exc:
        return missing_part("hub.enrolment", "kiosk.sync.enrolment", exc)
    state = enrolment.load()
    if state is None:
        if ctx.demo:
            return CheckResult(
                "hub.enrolment", True, "演示模式，无需登记 / demo mode: not enrolled, that is fine"
            )
        return CheckResult(
            "hub.enrolment",
            False,
            "本机尚未登记到后台 / not enrolled with the hub: run the setup wizard or `kiosk sync enrol`",
        )
    url = enrolment.hub_url(ctx.config, state)
    return CheckResult(
        "hub.enrolment",
        True,
        f"已登记 / enrolled as {state.kiosk_id} with {url} on {state.enrolled_at[:10]}",
    )


def check_reachable(ctx: Context) -> CheckResult:
    """Reported, not needed: the kiosk queues submissions and sends them when the hub is back.

    Enrolled: a signed hello, which also proves the hub still accepts this kiosk's credentials.
    Not enrolled but ``hub.url`` set: any HTTP answer from the hub counts.
    """
    try:
        from kiosk.sync import enrolment
    except ImportError as exc:
        return missing_part("hub.reachable", "kiosk.sync.enrolment", exc)
    import httpx

    state = enrolment.load()
    config = ctx.config.with_values(sync__timeout=REACH_TIMEOUT)
    url = enrolment.hub_url(config, state) if state else str(config["hub.url"]).rstrip("/")
    if not url:
        return CheckResult(
            "hub.reachable", ctx.demo, "未配置后台地址 / no hub URL configured", needed=False
        )
    try:
        if state is None:
            with httpx.Client(
                verify=enrolment.verify_option(config), timeout=REACH_TIMEOUT
            ) as http:
                status = http.get(url).status_code
        else:
            from kiosk.sync.client import HubClient

            with HubClient(state, config) as client:
                status = client.request("GET", "/v1/hello").status_code
    except httpx.HTTPError as exc:
        return _unreached(
            f"连不上后台，申请会排队等待 / hub unreachable at {url}, submissions wait in the queue: {exc}"
        )
    if status in (401, 403):
        return _unreached(
            f"后台不认本机的登记，请重新登记 / {url} refuses this kiosk's credentials (HTTP {status}): re-enrol"
        )
    if status >= 500:
        return _unreached(f"后台出错 / {url} answered HTTP {status}")
    return CheckResult(
        "hub.reachable", True, f"后台可达 / {url} answered HTTP {status}", needed=False
    )


def _unreached(detail: str) -> CheckResult:
    return CheckResult("hub.reachable", False, detail, needed=False)
