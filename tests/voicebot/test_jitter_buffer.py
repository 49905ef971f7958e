"""The server's inbound audio: a received packet goes to the recogniser when the next one
arrives, not after four more (aiortc's playout cushion, 80 ms on every turn)."""

from aiortc import RTCPeerConnection
from aiortc.rtp import RtpPacket

from voicebot.webrtc import _RECEIVER_JITTER_BUFFER, release_audio_on_arrival


def _packet(sequence: int) -> RtpPacket:
    packet = RtpPacket(payload_type=111, sequence_number=sequence, timestamp=960 * sequence, payload=b"\x00")
    packet._data = packet.payload  # what the receiver sets once it has depacketised the payload
    return packet


async def _released(pc: RTCPeerConnection) -> list[int]:
    """Sequence numbers of the packets the audio receiver's buffer hands on, fed 1..6 in order."""
    buffer = getattr(pc.getTransceivers()[0].receiver, _RECEIVER_JITTER_BUFFER)
    out = []
    for sequence in range(1, 7):
        _, frame = buffer.add(_packet(sequence))
        if frame is not None:
            out.append(frame.timestamp // 960)
    return out


async def test_each_audio_packet_is_released_when_the_next_arrives() -> None:
    pc = RTCPeerConnection()
    try:
        pc.addTransceiver("audio", direction="recvonly")
        assert await _released(pc) == [1, 2]  # aiortc's own buffer: still holding back
        assert release_audio_on_arrival(pc) == 1
        assert await _released(pc) == [1, 2, 3, 4, 5]
    finally:
        await pc.close()


async def test_reordered_packets_still_come_out_in_order() -> None:
    pc = RTCPeerConnection()
    try:
        pc.addTransceiver("audio", direction="recvonly")
        release_audio_on_arrival(pc)
        buffer = getattr(pc.getTransceivers()[0].receiver, _RECEIVER_JITTER_BUFFER)
        released = [frame.timestamp // 960 for seq in (1, 3, 2, 4, 5, 6) if (frame := buffer.add(_packet(seq))[1])]
        assert released == [1, 2, 3, 4]  # one per arrival: after a swap it runs a packet behind
    finally:
        await pc.close()
