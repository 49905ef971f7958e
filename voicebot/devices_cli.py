"""`viva pair [--learner NAME]` and `viva devices list|revoke ID`: phone mode's devices.

Both talk to the study store directly (the same database the server uses), so they work
while `viva serve` runs: a new code is accepted at once, a revoked device is refused on its
next request.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from drills.devices import CODE_TTL, DeviceRegistry

if TYPE_CHECKING:
    from voicebot.settings import Settings

SERVE_FILE = "serve.json"
"""Written by a running `viva serve`: the URL phones open, so `viva pair` can show it."""


def add_parser(commands: argparse._SubParsersAction) -> None:
    pair = commands.add_parser("pair", help="print a one-time code (and QR code) to pair a phone with Viva")
    pair.add_argument(
        "--learner", metavar="NAME", help="pair with this profile (created if new); else it is chosen on the phone"
    )
    pair.set_defaults(handler=run_pair)
    devices = commands.add_parser("devices", help="list or revoke the paired devices")
    actions = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="every paired device, with its learner and when it was last seen").set_defaults(
        handler=run_list
    )
    revoke = actions.add_parser("revoke", help="unpair a device: its next request is refused")
    revoke.add_argument("device_id", metavar="ID", help="the id `viva devices list` shows")
    revoke.set_defaults(handler=run_revoke)


def registry(settings: Settings) -> DeviceRegistry:
    from drills.store import make_engine, make_session_factory, upgrade_database

    upgrade_database(settings.database_url)
    return DeviceRegistry(make_session_factory(make_engine(settings.database_url)))


def pair_url(base_url: str, code: str) -> str:
    """The URL in the QR code: the code rides in the fragment, which never leaves the phone."""
    return f"{base_url.rstrip('/')}/pair#{code}"


def show_code(code: str, base_url: str | None, out: TextIO = sys.stdout) -> None:
    """The code (grouped for reading aloud), its lifetime, and a QR code of the pairing URL."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    print(f"Pairing code: {code[:4]} {code[4:]}  (one use, valid {minutes} minutes)", file=out)
    if base_url is None:
        print("Open Viva's address on the phone and enter the code.", file=out, flush=True)
        return
    url = pair_url(base_url, code)
    print(f"On the phone, scan this or open {base_url.rstrip('/')}/pair and enter the code:", file=out)
    import segno

    qr = segno.make(url, error="m")
    # ANSI colours on a terminal (dark on light whatever the theme); plain blocks in a log.
    qr.terminal(out=out, compact=not out.isatty(), border=2)
    out.flush()


def write_serve_file(data_dir: Path, url: str, pairing: bool) -> Path:
    path = data_dir / SERVE_FILE
    path.write_text(json.dumps({"url": url, "pairing": pairing}), encoding="utf-8")
    return path


def _served(data_dir: Path) -> dict[str, object] | None:
    try:
        return dict(json.loads((data_dir / SERVE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def run_pair(args: argparse.Namespace, settings: Settings) -> int:
    served = _served(settings.data_dir)
    if served is not None and not served.get("pairing"):
        print(
            "viva: the running Viva serves this machine only (loopback), where no pairing is needed. "
            "For a phone: viva serve --host 0.0.0.0 --self-signed",
            file=sys.stderr,
        )
        return 1
    code = registry(settings).new_code(args.learner)
    show_code(code, str(served["url"]) if served else None)
    if served is None:
        print("(Viva is not running: start it with `viva serve --host 0.0.0.0 --self-signed`.)", file=sys.stderr)
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    devices = registry(settings).list_devices()
    if not devices:
        print("No paired devices. `viva pair` prints a code to pair one.")
        return 0
    rows = [("ID", "LEARNER", "DEVICE", "PAIRED (UTC)", "LAST SEEN (UTC)", "STATUS")]
    for d in devices:
        status = "revoked" if d.revoked else "active"
        rows.append((d.id, d.learner_name, d.label, _when(d.created_at), _when(d.last_seen_at), status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    device = registry(settings).revoke(args.device_id)
    if device is None:
        print(f"viva: no device {args.device_id!r}; `viva devices list` shows the ids", file=sys.stderr)
        return 1
    print(f"Revoked {device.id} ({device.label}, {device.learner_name}): its next request is refused.")
    return 0
