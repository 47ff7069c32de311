"""Sneakernet import: ingest every bundle in a folder through the same dedupe as the network
path, and write each bundle's acknowledgement file beside it for the kiosk to take home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk_hub import store
from kiosk_hub.models import Kiosk
from kiosk_protocol import bundle as bundles


def _secret_for(hub: store.Hub) -> Any:
    def secret(kiosk_id: str) -> bytes | None:
        with hub.factory() as session:
            kiosk = store.active_kiosk(session, kiosk_id)
            return kiosk.secret if kiosk is not None else None

    return secret


def import_folder(hub: store.Hub, folder: Path) -> dict[str, Any]:
    summary: dict[str, Any] = {"bundles": 0, "new": 0, "duplicates": 0, "refused": 0, "errors": []}
    for path in sorted(folder.glob("*.ksb")):
        try:
            bundle = bundles.read_bundle(path, _secret_for(hub))
        except bundles.BundleError as exc:
            summary["errors"].append(str(exc))  # refused whole: nothing from it is ingested
            continue
        if bundle.hub_key_id != hub.key_id:
            summary["errors"].append(
                f"{path.name}: sealed for another hub (key {bundle.hub_key_id})"
            )
            continue
        results: list[dict[str, Any]] = []
        for item in bundle.items:
            outcome = store.ingest(
                hub, bundle.kiosk_id, item.uuid, item.content_hash, item.sealed, via="bundle"
            )
            if outcome.status == 201:
                summary["new"] += 1
            elif outcome.status == 200:
                summary["duplicates"] += 1
            else:
                summary["refused"] += 1
            results.append(
                {
                    "uuid": item.uuid,
                    "content_hash": item.content_hash,
                    "status": outcome.status,
                    "reason": outcome.body.get("reason"),
                    "permanent": outcome.body.get("permanent", False),
                    "parts": outcome.body.get("parts"),
                }
            )
        with hub.factory() as session:
            kiosk = session.get(Kiosk, bundle.kiosk_id)
            assert kiosk is not None and kiosk.secret is not None
            secret = kiosk.secret
        bundles.write_acks(path, bundle, secret, hub.key_id, results)
        summary["bundles"] += 1
    return summary
