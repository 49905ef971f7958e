"""Scale-out on one machine, through nginx: `python -m benchmarks.scale_out [--sessions 4]`.

Starts a throwaway PostgreSQL (tests/pg.py), Rasa and its action server with
docker-compose.yml's own commands (tests/scale.py), two HTTPS voice workers sharing them and
one certificate, and nginx (Debian's, with libnginx-mod-stream) as a TCP load balancer built
from docker/nginx-viva.conf. Then `--sessions` aiortc learners connect through nginx at once,
each starts a drill and asks Viva to repeat the question; the table says which worker served
each session (its own `/metrics`) and the voice-to-voice time each learner heard.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import ms, pct, table
from benchmarks.rtc_learner import RtcLearner
from benchmarks.voice_bench import Voices, _quiet
from tests.pg import PostgresServer, find_bindir, unavailable
from tests.scale import Stack, compose_stack
from tests.support import REPO, free_port

NGINX_CONF = REPO / "docker" / "nginx-viva.conf"


def nginx_config(root: Path, listen: int, workers: list[int]) -> Path:
    """docker/nginx-viva.conf with this run's ports, pid file and logs."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    servers = "".join(f"        server 127.0.0.1:{port};\n" for port in workers)
    text = re.sub(r"(        server 127\.0\.0\.1:\d+;\n)+", servers, text)
    text = text.replace("listen 8765;", f"listen 127.0.0.1:{listen};")
    head = f"daemon off;\npid {root}/nginx.pid;\nerror_log {root}/nginx-error.log;\n"
    path = root / "nginx.conf"
    path.write_text(head + text, encoding="utf-8")
    return path


def _wait_listening(port: int, process: subprocess.Popen, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


_SELF_SIGNED = ssl._create_unverified_context()  # this run's own certificate


def _new_learner(url: str, name: str) -> str:
    request = urllib.request.Request(
        f"{url}/api/learners", json.dumps({"name": name}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30, context=_SELF_SIGNED) as response:
        return str(json.loads(response.read())["id"])


def _scrape_active(url: str) -> int:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10, context=_SELF_SIGNED) as response:
        line = next(x for x in response.read().decode().splitlines() if x.startswith("viva_active_sessions "))
    return int(float(line.split()[1]))


async def _session(lb_url: str, learner_id: str, voices: Voices) -> tuple[RtcLearner, float | None]:
    learner = RtcLearner(lb_url, learner_id, verify_tls=False)
    await learner.connect()
    started = time.monotonic()
    learner.send({"type": "start", "mode": "drill"})
    await learner.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 180, started)
    await _quiet(learner, started, 180)
    end = await learner.say(voices("repeat the question"))
    heard = None
    deadline = time.monotonic() + 60
    while heard is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        heard = learner.first_voice_after(end)
    return learner, None if heard is None else heard - end


async def _drive(stack: Stack, lb_url: str, sessions: int, voices: Voices) -> list[list[object]]:
    ids = [_new_learner(stack.workers[0].url, f"Scale {i}") for i in range(sessions)]
    results = await asyncio.gather(*(_session(lb_url, learner_id, voices) for learner_id in ids))
    served = [_scrape_active(worker.url) for worker in stack.workers]
    for learner, _ in results:
        await learner.close()
    heard = [latency for _, latency in results if latency is not None]
    rows = [[f"worker {i + 1}", count] for i, count in enumerate(served)]
    rows.append(["sessions answered / started", f"{len(heard)}/{sessions}"])
    rows.append(["voice-to-voice heard through nginx, p50", ms(pct(heard, 50))])
    rows.append(["voice-to-voice heard through nginx, max", ms(max(heard) if heard else float("nan"))])
    return rows


def run(sessions: int) -> str:
    reason = unavailable()
    if reason:
        return f"(skipped: {reason})"
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).is_file() or not Path("/usr/lib/nginx/modules/ngx_stream_module.so").is_file():
        return "(skipped: needs nginx and libnginx-mod-stream from Debian's packages)"
    voices = Voices()
    voices("repeat the question")
    with tempfile.TemporaryDirectory(prefix="viva-scale-") as temporary:
        root = Path(temporary)
        bindir = find_bindir()
        assert bindir is not None
        postgres = PostgresServer(bindir).start()
        try:
            from voicebot.tls import self_signed

            cert, key = self_signed(root / "tls", "127.0.0.1", ("localhost",))
            with compose_stack(
                root, postgres, workers=2, worker_args=("--cert", str(cert), "--key", str(key))
            ) as stack:
                listen = free_port()
                ports = [int(worker.url.rsplit(":", 1)[1]) for worker in stack.workers]
                config = nginx_config(root, listen, ports)
                balancer = subprocess.Popen([nginx, "-c", str(config), "-p", str(root)], stderr=subprocess.PIPE)
                try:
                    _wait_listening(listen, balancer)
                    rows = asyncio.run(_drive(stack, f"https://127.0.0.1:{listen}", sessions, voices))
                finally:
                    balancer.terminate()
                    balancer.wait(timeout=30)
        finally:
            postgres.stop()
    return table(f"Scale-out: {sessions} sessions through nginx (TLS passthrough) to 2 workers", ["", "value"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_out")
    parser.add_argument("--sessions", type=int, default=4)
    print(run(parser.parse_args().sessions))


if __name__ == "__main__":
    main()
