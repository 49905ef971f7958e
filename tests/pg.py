"""A throwaway PostgreSQL server from Debian's packages, for tests (and by hand).

    .venv/bin/python -m tests.pg        # start one, print its URL, stop on Ctrl-C

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user
(`runuser -u postgres --`). The server listens on 127.0.0.1 on a free port and on a unix
socket inside its own temporary folder, with a random password (scram-sha-256), so nothing
else on the machine can use it without that password. `fsync` is off: it is test data.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import free_port

USER = "viva"
"""The cluster's superuser (the tests' role)."""


def find_bindir() -> Path | None:
    """The newest Debian PostgreSQL's bin folder (/usr/lib/postgresql/<n>/bin), or PATH's."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def unavailable() -> str | None:
    """Why no server can be started here, or None."""
    if find_bindir() is None:
        return "PostgreSQL is not installed (scripts/setup.sh installs Debian's `postgresql`)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` user to own the test cluster"
    return None


@dataclass
class PostgresServer:
    """`start()` makes a cluster and runs it; `url(db)` is an SQLAlchemy URL; `stop()` removes it."""

    bindir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="viva-pg-")))
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres", driver: str = "psycopg") -> str:
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, *command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def start(self, timeout: float = 60) -> PostgresServer:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            self._as_owner(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ),
            check=True,
            capture_output=True,
        )
        pwfile.unlink()
        self.process = subprocess.Popen(
            self._as_owner(
                str(self.bindir / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.root),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ),
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
            start_new_session=True,
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}:\n{self.log.read_text()[-2000:]}")
            try:
                with psycopg.connect(self.url().replace("+psycopg", ""), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def execute(self, sql: str) -> None:
        """Run one statement (e.g. CREATE DATABASE, which cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def new_database(self, prefix: str = "t") -> str:
        """A fresh empty database; returns its name."""
        name = f"{prefix}_{secrets.token_hex(6)}"
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def dump(self, database: str) -> bytes:
        """`pg_dump` of a database: every byte of data it holds, as SQL text."""
        environment = {**os.environ, "PGPASSWORD": self.password}
        command = [str(self.bindir / "pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, database]
        return subprocess.run(command, env=environment, check=True, capture_output=True).stdout

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGINT = "fast" shutdown: roll back clients, stop at once. runuser forwards it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def main() -> None:
    reason = unavailable()
    if reason:
        raise SystemExit(reason)
    bindir = find_bindir()
    assert bindir is not None
    server = PostgresServer(bindir).start()
    print(server.url(), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
