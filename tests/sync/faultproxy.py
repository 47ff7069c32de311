"""A fault-injecting HTTP/1.1 proxy between a kiosk and a real hub process (tests only).

Requests to ``/v1/items`` take the next scripted action; everything else passes through:
``"pass"``; ``"status:503"`` / ``"status:429:2"`` (Retry-After 2) answered as the hub would, without
forwarding; ``"portal"`` (a captive portal's 200 HTML page); ``"reset"`` (forward the headers and half
the body, then reset both connections); ``"drop_ack"`` (forward the whole request, let the hub
commit, then reset the kiosk's connection instead of passing the answer back); ``"forge_ack"``
(answer 201 with a perfect-looking acknowledgement built from the request, as an attacker on the
wire could, without forwarding); ``"forge_refusal"`` (answer a 422 "refused for good" without
forwarding).
"""

from __future__ import annotations

import collections
import contextlib
import json
import socket
import struct
import threading
import time


def _read_message(sock: socket.socket) -> tuple[bytes, bytes] | None:
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n", rest[:length]


def _reset(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


class FaultProxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.script: collections.deque[str] = collections.deque()
        self.applied: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def plan(self, *actions: str) -> None:
        with self._lock:
            self.script.extend(actions)

    def pending(self) -> int:
        with self._lock:
            return len(self.script)

    def close(self) -> None:
        self._closed = True
        self.listener.close()

    def _next(self, head: bytes) -> str:
        path = head.split(b" ", 2)[1]
        with self._lock:
            if path.startswith(b"/v1/items") and self.script:
                action = self.script.popleft()
                self.applied[action] += 1
                return action
        return "pass"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            while True:
                request = _read_message(client)
                if request is None:
                    break
                head, body = request
                action = self._next(head)
                if action.startswith("status:") or action == "portal":
                    client.sendall(self._canned(action))
                    continue
                if action.startswith("forge_"):
                    client.sendall(self._forged(action, head, body))
                    continue
                if upstream is None:
                    upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                if action == "reset":
                    upstream.sendall(head + body[: len(body) // 2])
                    time.sleep(0.05)
                    _reset(upstream)
                    _reset(client)
                    return
                upstream.sendall(head + body)
                response = _read_message(upstream)
                if response is None:
                    break
                if action == "drop_ack":
                    _reset(upstream)
                    _reset(client)
                    return
                client.sendall(response[0] + response[1])
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                if s is not None:
                    with contextlib.suppress(OSError):
                        s.close()

    @staticmethod
    def _forged(action: str, head: bytes, body: bytes) -> bytes:
        """What an attacker between kiosk and hub can say without the kiosk's secret."""
        from kiosk_protocol.sealing import open_envelope

        path = head.split(b" ", 2)[1].decode()
        content_hash = ""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"x-content-hash":
                content_hash = value.strip().decode()
        if action == "forge_ack":
            try:
                parts = open_envelope(body).part_hashes()
            except ValueError:  # a damaged item: the forger cannot read its parts either
                parts = {}
            code, reason = 201, "Created"
            answer: dict[str, object] = {
                "uuid": path.rsplit("/", 1)[-1],
                "content_hash": content_hash,
                "parts": parts,
                "complete": True,
            }
        else:
            code, reason = 422, "Unprocessable Entity"
            answer = {"error": "refused", "reason": "forged refusal", "permanent": True}
        data = json.dumps(answer).encode()
        return (
            f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
            f"X-Hub-Time: {time.time():.3f}\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data

    @staticmethod
    def _canned(action: str) -> bytes:
        if action == "portal":
            body = b"<html><body>Please log in to the guest Wi-Fi</body></html>"
            return (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
        parts = action.split(":")
        code = int(parts[1])
        extra = f"Retry-After: {parts[2]}\r\n" if len(parts) > 2 else ""
        body = b'{"error":"injected"}'
        reason = {
            500: "Internal Server Error",
            503: "Service Unavailable",
            429: "Too Many Requests",
        }.get(code, "Error")
        return (
            f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
            f"X-Hub-Time: {time.time():.3f}\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
