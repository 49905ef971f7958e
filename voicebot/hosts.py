"""The host names Viva answers to, so a DNS-rebinding page gets a 4xx instead of the API.

A rebinding attack points a name the attacker owns at this machine; the browser then sends
that name in `Host`. Viva serves only the names it knows: the loopback names, the address it
is bound to, the machine's own interface addresses and host name when bound to all
interfaces, and whatever `server.allowed_hosts` adds (a LAN name such as "viva.home.arpa").
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    """A bind address or host name that only this machine can reach."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, lower case, without port, brackets or a trailing dot."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


def interface_addresses() -> list[str]:
    """This machine's own addresses (no traffic sent), LAN ones first, link-local left out."""
    import psutil

    found: list[str] = []
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                address = ipaddress.ip_address(entry.address.split("%", 1)[0])
            except ValueError:
                continue
            if not address.is_link_local:
                found.append(str(address))
    return sorted(set(found), key=lambda a: (ipaddress.ip_address(a).is_loopback, ":" in a, a))


@dataclass(frozen=True)
class HostPolicy:
    names: frozenset[str]

    def allows(self, host_header: str) -> bool:
        return host_name(host_header) in self.names


def host_policy(bind: str, allowed: tuple[str, ...] = ()) -> HostPolicy:
    """The names a server bound to `bind` answers to (plus `allowed`)."""
    names = set(LOOPBACK_NAMES) | {host_name(name) for name in allowed if name.strip()}
    bind = bind.strip("[]").lower()
    if bind in WILDCARDS:
        names.update(interface_addresses())
    elif bind:
        names.add(bind)
    if not is_loopback(bind):
        hostname = socket.gethostname().lower()
        names.update({hostname, f"{hostname}.local"})
    return HostPolicy(frozenset(names))


def public_address(bind: str) -> str:
    """What to put in the URL a phone opens: the bind address, or a LAN address for 0.0.0.0."""
    bind = bind.strip("[]")
    if bind not in WILDCARDS:
        return "localhost" if bind in ("127.0.0.1", "::1") else bind
    lan = [a for a in interface_addresses() if not ipaddress.ip_address(a).is_loopback]
    return lan[0] if lan else socket.gethostname()
