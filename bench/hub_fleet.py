"""A city's kiosks against one hub: N simulated kiosks, a hub on PostgreSQL, over loopback.

Each simulated kiosk is enrolled with its own one-time code (so it has its own signing secret),
signs every request, seals every application (a made-up applicant with a ~30 KB photo) to the
hub's key exactly as a kiosk does, and says hello every ``--idle-poll`` seconds as an idle kiosk
does. Applications arrive at ``--rate`` per second across the fleet (open loop: the rate does not
slow down when the hub does), from ``--generators`` processes. A few uploads are sent twice, as a
kiosk does when an acknowledgement was lost. At the end every acknowledged application is looked
up in the hub's database.

Run with no arguments: it starts its own throwaway PostgreSQL cluster (bench/throwaway_pg.py,
the one the sync tests use) and a hub with ``--workers`` processes, runs ``--seconds`` of load,
checks, removes everything, and prints, each on its own line::

    accepted N apps/s
    lost N
    doubled N
    upload latency p50 N ms p99 N ms
    hello latency p50 N ms p99 N ms
    hub RSS N MB (peak N MB, K processes)

Before the load the fleet is on for ``--warmup`` seconds: every kiosk connected and saying hello
(not timed), as on any working morning; ``--warmup 0`` measures a hub meeting the whole fleet
cold. Latency is the hub's: a hello goes out on its kiosk's own connection, an upload's clock
starts when a connection is free (uploads the generators could not send in time are counted as
"not sent (hub behind)", not timed). ``--idle inbox`` sends what kiosks send since the counter
console (``POST /v1/inbox`` with their report) instead of hello. Exit 0 when the run completed
with nothing lost or doubled; 1 otherwise. Figures and what they mean: docs/sync-and-hub.md.

    .venv/bin/python bench/hub_fleet.py [--kiosks 500] [--seconds 60] [--rate 250] [--db URL]
                                        [--workers 3] [--idle hello|inbox] [--warmup 10]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from throwaway_pg import PostgresCluster, free_port, wait_for_port  # noqa: E402

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RESEND_SHARE = 0.02  # uploads sent again after their acknowledgement, as after a lost answer
# what an idle kiosk reports about itself on its inbox call (kiosk/sync/inbox.py)
IDLE_REPORT = {"pending": 0, "quarantined": 0, "reader": "ok", "camera": "ok", "printer": "ok"}


@dataclass(frozen=True)
class SimKiosk:
    kiosk_id: str
    secret: bytes


@dataclass
class Tally:
    accepted: list[str] = field(default_factory=list)  # uuids with a verified 201
    upload_ms: list[float] = field(default_factory=list)
    hello_ms: list[float] = field(default_factory=list)
    upload_at: list[float] = field(default_factory=list)  # seconds into the load, per upload_ms
    hello_at: list[float] = field(default_factory=list)
    resent_ok: int = 0  # resends answered 200 with the original acknowledgement
    resent_new: int = 0  # resends the hub took as a new item: a double
    errors: dict[str, int] = field(default_factory=dict)
    offered: int = 0
    behind: int = 0  # uploads not sent because too many were in flight (the hub fell behind)
    cpu_seconds: float = 0.0  # the generator's own CPU from the warm-up on
    warmup_calls: int = 0  # idle calls before the load window (not timed)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


# -- the hub side: database, codes, process --------------------------------------------------
def make_codes(db_url: str, count: int) -> list[tuple[str, str]]:
    """One enrolment code per simulated kiosk, written as ``kiosk-hub enrol`` writes them."""
    from kiosk_hub import store
    from kiosk_hub.app import code_hash
    from kiosk_hub.models import EnrolmentCode, utcnow

    hub = store.open_hub(db_url)  # makes the schema and the hub's keys, as the first start does
    codes = []
    expires = utcnow() + dt.timedelta(hours=1)
    with hub.factory.begin() as session:
        for i in range(count):
            kiosk_id = f"F{i:04d}"
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
            session.add(
                EnrolmentCode(code_hash=code_hash(code), kiosk_id=kiosk_id, expires_at=expires)
            )
            codes.append((kiosk_id, code))
    hub.close()
    return codes


def enrol_all(url: str, codes: list[tuple[str, str]]) -> tuple[list[SimKiosk], bytes]:
    """Each kiosk redeems its code over HTTP: its own secret; the hub's public key."""
    import httpx

    from kiosk_protocol.sealing import unb64

    kiosks: list[SimKiosk] = []
    public_pem = b""
    with httpx.Client(timeout=30) as http:
        for kiosk_id, code in codes:
            answer = http.post(f"{url}/v1/enrol", json={"code": code})
            answer.raise_for_status()
            data = answer.json()
            assert data["kiosk_id"] == kiosk_id
            kiosks.append(SimKiosk(kiosk_id, unb64(data["secret"])))
            public_pem = data["hub_public_key"].encode("ascii")
    return kiosks, public_pem


def process_tree(root: int) -> list[int]:
    """A process and all its descendants (uvicorn's workers, PostgreSQL's backends)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by a process tree's living members."""
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def process_tree_rss_mb(root: int) -> tuple[float, int]:
    """Resident memory of a process and all its descendants (uvicorn's workers), and how many."""
    total, count = 0.0, 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
                    count += 1
        except OSError:
            continue
    return total, count


# -- the kiosks: load generator processes --------------------------------------------------
def photo_about_30kb() -> bytes:
    """The sample photo re-encoded at a higher quality, ~30 KB as a counter camera gives."""
    import io

    from PIL import Image

    from kiosk.sync.demo_applications import sample_photo

    image = Image.open(io.BytesIO(sample_photo()))
    best = b""
    for quality in range(80, 100):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) >= 30 * 1024:
            break
    return best


def sealed_application(
    rng: random.Random, kiosk: SimKiosk, photo: bytes, public_pem: bytes
) -> tuple[str, bytes]:
    """A made-up application sealed as the kiosk's outbox seals it: (uuid, sealed bytes)."""
    from kiosk.sync.demo_applications import made_up_application
    from kiosk_protocol import sealing

    app = made_up_application(rng, photo=photo, kiosk_id=kiosk.kiosk_id)
    app.uuid = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
    form = app.as_json()
    for key in ("photo_jpeg_b64", "signature_png_b64"):
        form.pop(key, None)
    document = {
        "uuid": app.uuid,
        "kind": "application",
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "data": form,
        "attachments": {"photo": sealing.sha256(photo)},
    }
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    recipient = sealing.Recipient(public_pem, demo=False)
    return app.uuid, sealing.seal(
        recipient, app.uuid, "application", {"payload": payload, "photo": photo}
    )


def _signed(kiosk: SimKiosk, method: str, path: str, body: bytes) -> dict[str, str]:
    from kiosk_protocol import signing

    stamp, nonce = f"{time.time():.3f}", secrets.token_hex(16)
    return {
        signing.HEADER_KIOSK: kiosk.kiosk_id,
        signing.HEADER_TIME: stamp,
        signing.HEADER_NONCE: nonce,
        signing.HEADER_SIGNATURE: signing.sign(kiosk.secret, method, path, stamp, nonce, body),
    }


def _hub_signed(kiosk: SimKiosk, answer: Answer, nonce: str) -> bool:
    from kiosk_protocol import signing

    signature = answer.headers.get(signing.HEADER_HUB_SIGNATURE.lower(), "")
    return bool(signature) and signing.verify_answer(
        kiosk.secret, signature, nonce, answer.status_code, answer.content
    )


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict[str, str]  # names in lower case
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class LinkError(Exception):
    """The connection failed or closed before a whole answer came back."""


class Link:
    """One keep-alive HTTP/1.1 connection to the hub: the generators' own small client.

    Why not httpx here: its connection pool looks at every connection for each request, so with
    a kiosk's worth of connections (500) the two generator processes used both cores and the
    latency measured was theirs, not the hub's. The hub sees the same requests either way; the
    kiosk itself (kiosk/sync/client.py) uses httpx, one connection per kiosk.
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Answer:
        try:
            await self.open()
            assert self.reader is not None and self.writer is not None
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            lines.append(f"Content-Length: {len(body)}")
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(head[0].split(" ", 2)[1])
            fields: dict[str, str] = {}
            for line in head[1:]:
                if line:
                    name, _, value = line.partition(":")
                    fields[name.strip().lower()] = value.strip()
            content = await self.reader.readexactly(int(fields.get("content-length", "0")))
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            self.close()
            raise LinkError(type(exc).__name__) from exc
        if fields.get("connection", "").lower() == "close":
            self.close()
        return Answer(status, fields, content)

    async def open(self) -> None:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _fleet(job: dict[str, Any]) -> Tally:
    from kiosk_protocol import sealing, signing

    tally = Tally()
    kiosks = [SimKiosk(k, base64.b64decode(s)) for k, s in job["kiosks"]]
    rng = random.Random(job["seed"])
    host, port, public_pem, photo = job["host"], job["port"], job["public_pem"], job["photo"]
    start, seconds = job["start_at"], job["seconds"]
    end = start + seconds
    # uploads share a pool of connections; each kiosk says hello on a connection of its own, as a
    # real kiosk does, so hellos do not queue behind uploads here
    links: asyncio.Queue[Link] = asyncio.Queue()
    for _ in range(job["connections"]):
        links.put_nowait(Link(host, port))
    every: list[Link] = []

    async def hello(kiosk: SimKiosk) -> None:
        """An idle kiosk's call: GET /v1/hello, or (--idle inbox) what kiosk/sync/inbox.py sends
        now: POST /v1/inbox with its report, asking for the console's decisions since then."""
        link = Link(host, port)
        every.append(link)
        since: str | None = None
        warm_from = start - job["warmup"]
        await asyncio.sleep(max(0.0, warm_from - time.time()) + rng.uniform(0, job["idle_poll"]))
        while time.time() < end:
            if job["idle"] == "inbox":
                method, path = "POST", "/v1/inbox"
                body = json.dumps({"since": since, "calls": [], "report": IDLE_REPORT}).encode()
                extra = {"Content-Type": "application/json"}
            else:
                method, path, body, extra = "GET", "/v1/hello", b"", {}
            headers = {**_signed(kiosk, method, path, body), **extra}
            began = time.perf_counter()
            measured = time.time() >= start  # calls in the warm-up are not timed
            try:
                answer = await link.request(method, path, headers, body)
                if job["idle"] == "inbox" and answer.status_code == 200:
                    since = answer.json().get("now")
            except LinkError as exc:
                tally.error(f"hello {exc}")
            else:
                if not measured:
                    tally.warmup_calls += 1
                    await asyncio.sleep(job["idle_poll"])
                    continue
                if answer.status_code == 200 and _hub_signed(
                    kiosk, answer, headers[signing.HEADER_NONCE]
                ):
                    tally.hello_ms.append((time.perf_counter() - began) * 1000)
                    tally.hello_at.append(time.time() - start)
                else:
                    tally.error(f"hello HTTP {answer.status_code}")
            await asyncio.sleep(job["idle_poll"])

    async def upload(kiosk: SimKiosk, item_uuid: str, sealed: bytes, resend: bool) -> None:
        path = f"/v1/items/{item_uuid}"
        content_hash = sealing.sha256(sealed)
        expected = sealing.open_envelope(sealed).part_hashes()
        for attempt in range(2 if resend else 1):
            headers = {
                **_signed(kiosk, "PUT", path, sealed),
                "X-Content-Hash": content_hash,
                "Content-Type": "application/octet-stream",
            }
            link = await links.get()  # a free connection: from here on it is the hub's time
            try:
                began = time.perf_counter()
                answer = await link.request("PUT", path, headers, sealed)
                took = (time.perf_counter() - began) * 1000
            except LinkError as exc:
                tally.error(f"upload {exc}")
                return
            finally:
                links.put_nowait(link)
            ack = answer.json() if answer.status_code in (200, 201) else {}
            good = (
                _hub_signed(kiosk, answer, headers[signing.HEADER_NONCE])
                and ack.get("uuid") == item_uuid
                and ack.get("content_hash") == content_hash
                and ack.get("parts") == expected
            )
            if attempt == 0 and answer.status_code == 201 and good:
                tally.accepted.append(item_uuid)
                tally.upload_ms.append(took)
                tally.upload_at.append(time.time() - start)
            elif attempt == 1 and answer.status_code == 200 and good:
                tally.resent_ok += 1
            elif attempt == 1 and answer.status_code == 201:
                tally.resent_new += 1
            else:
                tally.error(f"upload HTTP {answer.status_code} (attempt {attempt + 1})")
                return

    # every application is made and sealed before the clock starts (as kiosks seal at submit
    # time, long before they send): the load window measures sending only
    offsets, at = [], 0.0
    while True:
        at += rng.expovariate(job["rate"])  # Poisson arrivals at the fleet's share
        if at >= seconds:
            break
        offsets.append(at)
    queue = []
    for offset in offsets:
        kiosk = kiosks[rng.randrange(len(kiosks))]
        queue.append((offset, kiosk, *sealed_application(rng, kiosk, photo, public_pem)))
    if time.time() > start - job["warmup"]:
        tally.error("generator was not ready at the start (sealing took too long)")
    # the warm-up: a fleet that is on, as on any working morning. Every kiosk has its connection
    # open and says hello before applications arrive; the upload connections are open too
    cpu_at_start = time.process_time()
    tasks = [asyncio.create_task(hello(k)) for k in kiosks]
    await asyncio.sleep(max(0.0, start - job["warmup"] - time.time()))
    pooled = [links.get_nowait() for _ in range(job["connections"])]
    for link in pooled:
        await link.open()
        links.put_nowait(link)
    await asyncio.sleep(max(0.0, start - time.time()))
    for offset, kiosk, item_uuid, sealed in queue:
        tally.offered += 1
        await asyncio.sleep(max(0.0, start + offset - time.time()))
        if links.empty() and len(tasks) > 4 * job["connections"] + len(kiosks):
            tally.behind += 1
            continue
        tasks.append(
            asyncio.create_task(upload(kiosk, item_uuid, sealed, rng.random() < RESEND_SHARE))
        )
        tasks = [t for t in tasks if not t.done()] if len(tasks) > 2000 else tasks
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
    tally.cpu_seconds = time.process_time() - cpu_at_start
    for link in every:
        link.close()
    while not links.empty():
        links.get_nowait().close()
    return tally


def run_generator(job: dict[str, Any]) -> Tally:
    return asyncio.run(_fleet(job))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# -- the run -------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load")
    parser.add_argument("--rate", type=float, default=250.0, help="applications/s offered")
    parser.add_argument(
        "--warmup",
        type=float,
        default=10.0,
        help="seconds the fleet is connected and idle before the load (not timed)",
    )
    parser.add_argument(
        "--idle-poll", type=float, default=5.0, help="seconds between an idle kiosk's calls"
    )
    parser.add_argument(
        "--idle",
        choices=("hello", "inbox"),
        default="hello",
        help="an idle kiosk's call: GET /v1/hello, or POST /v1/inbox as kiosks since the console",
    )
    parser.add_argument("--workers", type=int, default=3, help="hub worker processes")
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument("--connections", type=int, default=96, help="per generator")
    parser.add_argument("--db", help="hub database URL (default: a throwaway PostgreSQL cluster)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hub-fleet-"))
    os.environ["KIOSK_HUB_HOME"] = str(work / "hub")
    os.environ["KIOSK_HOME"] = str(work / "kiosk")  # the made-up applicants' rules, if read
    cluster: PostgresCluster | None = None
    hub: subprocess.Popen[bytes] | None = None
    began = time.monotonic()
    try:
        if args.db:
            db_url = args.db
        else:
            cluster = PostgresCluster()
            cluster.start()
            db_url = cluster.new_database()
        codes = make_codes(db_url, args.kiosks)
        port = free_port()
        log = (work / "hub.log").open("wb")
        hub = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk_hub",
                "serve",
                "--db",
                db_url,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--allow-plain-http",  # loopback only
            ],
            stderr=log,
        )
        wait_for_port(port, 60)
        url = f"http://127.0.0.1:{port}"
        kiosks, public_pem = enrol_all(url, codes)
        photo = photo_about_30kb()
        print(
            f"{len(kiosks)} kiosks enrolled; photo {len(photo) / 1024:.1f} KB; "
            f"hub: {args.workers} workers on {db_url.split('+')[0].split(':')[0]}; "
            f"load {args.rate:.0f} apps/s offered for {args.seconds:.0f} s from "
            f"{args.generators} processes; machine load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores (shared)",
            flush=True,
        )
        # time for the generators to start and seal their share (~1 ms an application, shared)
        start_at = (
            time.time() + 8.0 + args.rate * args.seconds * 0.003 / args.generators + args.warmup
        )
        jobs = [
            {
                "kiosks": [
                    (k.kiosk_id, base64.b64encode(k.secret).decode())
                    for k in kiosks[g :: args.generators]
                ],
                "seed": g,
                "host": "127.0.0.1",
                "port": port,
                "public_pem": public_pem,
                "photo": photo,
                "start_at": start_at,
                "seconds": args.seconds,
                "rate": args.rate / args.generators,
                "idle_poll": args.idle_poll,
                "idle": args.idle,
                "warmup": args.warmup,
                "connections": args.connections,
            }
            for g in range(args.generators)
        ]
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                peak[0] = max(peak[0], process_tree_rss_mb(hub.pid)[0] if hub else 0.0)

        sampler = threading.Thread(target=sample, daemon=True)
        pg_root = cluster.proc.pid if cluster is not None and cluster.proc else None
        hub_cpu0 = cpu_seconds(hub.pid)
        pg_cpu0 = cpu_seconds(pg_root) if pg_root else 0.0
        with multiprocessing.get_context("spawn").Pool(args.generators) as pool:
            pending = pool.map_async(run_generator, jobs)
            sampler.start()
            tallies = pending.get(timeout=start_at - time.time() + args.seconds + 240)
        stop.set()
        sampler.join()
        rss, processes = process_tree_rss_mb(hub.pid)
        hub_cpu = cpu_seconds(hub.pid) - hub_cpu0
        pg_cpu = (cpu_seconds(pg_root) - pg_cpu0) if pg_root else float("nan")

        accepted = [u for t in tallies for u in t.accepted]
        held = _held_count(db_url, accepted)
        lost = len(set(accepted)) - held["distinct"]
        doubled = held["rows"] - held["distinct"] + sum(t.resent_new for t in tallies)
        uploads = [ms for t in tallies for ms in t.upload_ms]
        idle_name = "hello" if args.idle == "hello" else "idle call (inbox)"
        hellos = [ms for t in tallies for ms in t.hello_ms]
        errors: dict[str, int] = {}
        for t in tallies:
            for what, n in t.errors.items():
                errors[what] = errors.get(what, 0) + n
        print(f"accepted {len(accepted) / args.seconds:.0f} apps/s")
        print(f"lost {lost}")
        print(f"doubled {doubled}")
        print(
            f"upload latency p50 {percentile(uploads, 0.5):.0f} ms "
            f"p99 {percentile(uploads, 0.99):.0f} ms"
        )
        print(
            f"{idle_name} latency p50 "
            f"{percentile(hellos, 0.5):.0f} ms "
            f"p99 {percentile(hellos, 0.99):.0f} ms"
        )
        for name, at, ms in (
            ("upload", [a for t in tallies for a in t.upload_at], uploads),
            (idle_name, [a for t in tallies for a in t.hello_at], hellos),
        ):
            windows: dict[int, list[float]] = {}
            for a, m in zip(at, ms, strict=True):
                windows.setdefault(int(a // 10) * 10, []).append(m)
            print(
                f"{name} p99 by 10 s: "
                + " ".join(f"{w}s:{percentile(v, 0.99):.0f}" for w, v in sorted(windows.items()))
            )
        print(f"hub RSS {rss:.0f} MB (peak {max(peak[0], rss):.0f} MB, {processes} processes)")
        warmup_calls = sum(t.warmup_calls for t in tallies)
        requests = max(
            1, len(uploads) + len(hellos) + sum(t.resent_ok for t in tallies) + warmup_calls
        )
        print(
            f"CPU per request: hub {hub_cpu / requests * 1000:.1f} ms, PostgreSQL "
            f"{pg_cpu / requests * 1000:.1f} ms, load generators "
            f"{sum(t.cpu_seconds for t in tallies) / requests * 1000:.1f} ms (the cores are shared: capacity on a machine of "
            f"its own is about cores / (hub + PostgreSQL) per request)"
        )
        print(
            f"detail: offered {sum(t.offered for t in tallies)}, accepted {len(accepted)}, "
            f"not sent (hub behind) {sum(t.behind for t in tallies)}, "
            f"resends answered with the original acknowledgement "
            f"{sum(t.resent_ok for t in tallies)}, hellos {len(hellos)}, errors {errors or 0}; "
            f"whole run {time.monotonic() - began:.0f} s"
        )
        return 0 if lost == 0 and doubled == 0 else 1
    finally:
        if hub is not None and hub.poll() is None:
            hub.terminate()
            try:
                hub.wait(20)
            except subprocess.TimeoutExpired:
                hub.kill()
        if cluster is not None:
            cluster.stop()


def _held_count(db_url: str, uuids: list[str]) -> dict[str, int]:
    """How many rows, and how many distinct uuids, the hub holds of these applications."""
    from sqlalchemy import func, select

    from kiosk_hub import store
    from kiosk_hub.models import Item

    hub = store.open_hub(db_url)
    rows = distinct = 0
    with hub.factory() as session:
        for i in range(0, len(uuids), 1000):
            chunk = uuids[i : i + 1000]
            rows += session.execute(
                select(func.count()).select_from(Item).where(Item.uuid.in_(chunk))
            ).scalar_one()
            distinct += session.execute(
                select(func.count(func.distinct(Item.uuid))).where(Item.uuid.in_(chunk))
            ).scalar_one()
    hub.close()
    return {"rows": rows, "distinct": distinct}


if __name__ == "__main__":
    raise SystemExit(main())
