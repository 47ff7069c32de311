"""The kiosk's HTTP client for the hub: signs every request, keeps the hub's clock offset, and
sorts each answer into what the worker should do with the item.

Success is only a 200/201 signed by the hub (``X-Hub-Signature``, under this kiosk's secret and
the request's nonce) whose JSON acknowledgement names this item's uuid, content hash and every part
(photo included): a captive portal's 200 page, a forged answer or a partial upload is never
success. An item is quarantined only when the hub's signed answer says it will never accept it
(``"permanent": true``), or the item is over the hub's size limit (413); anything else is retried.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from kiosk import __version__
from kiosk.config import Config
from kiosk.sync.enrolment import Enrolment, hub_url, verify_option
from kiosk_protocol import sealing, signing

Outcome = Literal["held", "quarantine", "retry_item", "retry_all"]
TOO_LARGE = 413  # over the hub's size cap: sending the same bytes again cannot help
HUB_BUSY = (429, 503)  # the hub asks everyone to wait


class HubAnswerError(RuntimeError):
    """The hub's answer to hello or reconcile is not signed by it, or not what it should be."""


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    detail: str
    retry_after: float | None = None
    ack: dict[str, Any] | None = None
    hub_answered: bool = True


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _reason(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if not isinstance(data, dict):
        return response.text[:200]
    return str(data.get("reason") or data.get("error") or response.text[:200])


class HubClient:
    def __init__(self, enrolment: Enrolment, config: Config):
        self.enrolment = enrolment
        self.base = hub_url(config, enrolment)
        self.offset = 0.0  # hub time minus our time, learnt from X-Hub-Time on every answer
        self.http = httpx.Client(
            verify=verify_option(config),
            timeout=httpx.Timeout(float(config["sync.timeout"])),
            # the version lets the hub's fleet view show which release each kiosk runs
            headers={"User-Agent": "sz-residence-kiosk-sync/1", "X-Kiosk-Version": __version__},
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """A signed request; one immediate retry if the hub found our clock off (it told us its time)."""
        response: httpx.Response | None = None
        for _ in range(2):
            stamp = f"{time.time() + self.offset:.3f}"
            nonce = secrets.token_hex(16)
            signed = {
                signing.HEADER_KIOSK: self.enrolment.kiosk_id,
                signing.HEADER_TIME: stamp,
                signing.HEADER_NONCE: nonce,
                signing.HEADER_SIGNATURE: signing.sign(
                    self.enrolment.secret, method, path, stamp, nonce, body
                ),
                **(headers or {}),
            }
            sent = time.time()
            response = self.http.request(method, self.base + path, content=body, headers=signed)
            hub_time = signing.parse_time(response.headers.get(signing.HEADER_HUB_TIME))
            if hub_time is not None:  # never NaN or inf: a bad header must not poison the clock
                self.offset = hub_time - (sent + time.time()) / 2
            stale = response.status_code == 401 and _error_code(response) == "stale"
            if stale and hub_time is not None:
                continue
            return response
        assert response is not None
        return response

    def signed_by_hub(self, response: httpx.Response) -> bool:
        """The answer carries the hub's signature over this request's nonce and its body."""
        signature = response.headers.get(signing.HEADER_HUB_SIGNATURE, "")
        nonce = response.request.headers.get(signing.HEADER_NONCE, "")
        return bool(signature) and signing.verify_answer(
            self.enrolment.secret, signature, nonce, response.status_code, response.content
        )

    def _signed_json(self, response: httpx.Response) -> dict[str, Any]:
        response.raise_for_status()
        if not self.signed_by_hub(response):
            raise HubAnswerError("the answer is not signed by the hub")
        try:
            data = response.json()
        except ValueError:
            raise HubAnswerError("the hub's answer is not JSON") from None
        if not isinstance(data, dict):
            raise HubAnswerError("the hub's answer is not a JSON object")
        return data

    def hello(self) -> dict[str, Any]:
        return self._signed_json(self.request("GET", "/v1/hello"))

    def reconcile(self, items: dict[str, str]) -> dict[str, Any]:
        """Which of our acknowledged (uuid → hash) the hub does not hold, or holds differently."""
        body = json.dumps({"items": items}).encode("utf-8")
        response = self.request("POST", "/v1/reconcile", body, {"Content-Type": "application/json"})
        answer = self._signed_json(response)
        for key in ("missing", "mismatched"):
            if not isinstance(answer.get(key), list):
                raise HubAnswerError(f"the hub's reconcile answer has no {key!r} list")
        return answer

    def put_item(self, item_uuid: str, content_hash: str, sealed: bytes) -> SendResult:
        try:
            response = self.request(
                "PUT",
                f"/v1/items/{item_uuid}",
                sealed,
                {"X-Content-Hash": content_hash, "Content-Type": "application/octet-stream"},
            )
        except httpx.HTTPError as exc:
            return SendResult(
                "retry_all", f"hub unreachable: {type(exc).__name__}: {exc}", hub_answered=False
            )
        status = response.status_code
        if signing.HEADER_HUB_TIME not in response.headers:
            return SendResult(
                "retry_all",
                f"HTTP {status} from something that is not the hub (proxy or captive portal?)",
                hub_answered=False,
            )
        signed = self.signed_by_hub(response)
        if status in (200, 201):
            if not signed:
                return SendResult("retry_item", "acknowledgement is not signed by the hub")
            return self._check_ack(response, item_uuid, content_hash, sealed)
        if (signed and _permanent(response)) or status == TOO_LARGE:
            return SendResult("quarantine", f"HTTP {status}: {_reason(response)}")
        if status in HUB_BUSY:
            return SendResult("retry_all", f"HTTP {status}: hub busy", _retry_after(response))
        if status in (401, 403):
            return SendResult(
                "retry_all", f"HTTP {status}: hub refuses this kiosk: {_error_code(response)}"
            )
        return SendResult(
            "retry_item", f"HTTP {status}: {_reason(response)}", _retry_after(response)
        )

    def _check_ack(
        self, response: httpx.Response, item_uuid: str, content_hash: str, sealed: bytes
    ) -> SendResult:
        try:
            ack = response.json()
        except ValueError:
            return SendResult("retry_item", "acknowledgement is not JSON")
        expected_parts = sealing.open_envelope(sealed).part_hashes()
        if not (
            isinstance(ack, dict)
            and ack.get("uuid") == item_uuid
            and ack.get("content_hash") == content_hash
            and ack.get("parts") == expected_parts
            and ack.get("complete") is True
        ):
            return SendResult("retry_item", "acknowledgement does not match what was sent")
        return SendResult("held", f"HTTP {response.status_code}", ack=ack)


def _permanent(response: httpx.Response) -> bool:
    """The hub's word that this item can never be accepted (its answer says so)."""
    try:
        data = response.json()
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("permanent") is True


def _error_code(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("error", "")) if isinstance(data, dict) else ""
