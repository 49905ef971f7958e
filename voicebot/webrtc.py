"""WebRTC set-up: validating offers, ICE configuration, loopback candidates, the inbound
audio jitter buffer."""

from __future__ import annotations

import ipaddress

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer

MAX_SDP_CHARS = 32_000
_RECEIVER_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"  # aiortc 1.9-1.16


class OfferError(ValueError):
    """The offer cannot start a session; the message is safe to show the user."""


def parse_offer(body: object) -> RTCSessionDescription:
    """Check an offer's shape before aiortc sees it: clear 4xx errors, never a 500."""
    if not isinstance(body, dict):
        raise OfferError("the body must be a JSON object with 'sdp' and 'type'")
    sdp, kind = body.get("sdp"), body.get("type")
    if kind != "offer":
        raise OfferError("'type' must be 'offer'")
    if not isinstance(sdp, str) or not sdp.startswith("v=0"):
        raise OfferError("'sdp' is not a session description (it must start with v=0)")
    if len(sdp) > MAX_SDP_CHARS:
        raise OfferError("the session description is too large")
    media = [line for line in sdp.splitlines() if line.startswith("m=")]
    if not any(line.startswith("m=audio") for line in media):
        raise OfferError("the offer has no audio: allow the microphone and try again")
    if not any(line.startswith("m=application") for line in media):
        raise OfferError("the offer has no data channel")
    return RTCSessionDescription(sdp=sdp, type="offer")


def ice_configuration(urls: tuple[str, ...]) -> RTCConfiguration:
    """STUN/TURN servers from settings; none by default, so nothing leaves the machine.

    A TURN URL may carry credentials as `turn:user:password@host:port`.
    """
    servers = []
    for url in urls:
        username = credential = None
        scheme, _, rest = url.partition(":")
        if "@" in rest:
            auth, _, host = rest.rpartition("@")
            username, _, credential = auth.partition(":")
            url = f"{scheme}:{host}"
        servers.append(RTCIceServer(urls=url, username=username, credential=credential))
    return RTCConfiguration(iceServers=servers)


def new_peer_connection(ice_urls: tuple[str, ...]) -> RTCPeerConnection:
    return RTCPeerConnection(configuration=ice_configuration(ice_urls))


def allow_loopback_candidates(host: str) -> None:
    """aioice leaves 127.0.0.1 out of its host candidates; a server bound to loopback (the
    private default, and every test) needs it, so add it back for loopback hosts only."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback or getattr(aioice.ice.get_host_addresses, "_viva_loopback", False):
        return
    original = aioice.ice.get_host_addresses

    def with_loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        addresses = original(use_ipv4, use_ipv6)
        if use_ipv4 and "127.0.0.1" not in addresses:
            addresses.append("127.0.0.1")
        return addresses

    with_loopback._viva_loopback = True  # type: ignore[attr-defined]
    aioice.ice.get_host_addresses = with_loopback


def release_audio_on_arrival(pc: RTCPeerConnection) -> int:
    """Pass each received audio packet on as soon as the next one arrives; returns how many
    receivers were changed (call after `setRemoteDescription`, before media flows).

    aiortc holds four more packets (80 ms) before releasing one: a cushion for a playout clock.
    The recogniser has no playout clock, so that cushion was 80 ms added to every turn. Reordered
    packets are still put back in order and a missing one is still waited for, as before.
    """
    changed = 0
    for transceiver in pc.getTransceivers():
        receiver = transceiver.receiver
        if transceiver.kind == "audio" and hasattr(receiver, _RECEIVER_JITTER_BUFFER):
            setattr(receiver, _RECEIVER_JITTER_BUFFER, JitterBuffer(capacity=16, prefetch=0))
            changed += 1
    return changed
