import pytest

from voicebot.webrtc import OfferError, ice_configuration, parse_offer

GOOD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "JSON object"),
        ({"sdp": GOOD, "type": "answer"}, "'type' must be 'offer'"),
        ({"sdp": "hello", "type": "offer"}, "not a session description"),
        ({"sdp": GOOD.replace("m=audio", "m=video"), "type": "offer"}, "no audio"),
        ({"sdp": GOOD.replace("m=application", "m=video"), "type": "offer"}, "no data channel"),
        ({"sdp": GOOD + "a=x\r\n" * 20000, "type": "offer"}, "too large"),
    ],
)
def test_bad_offers_are_rejected_with_a_reason(body, message: str) -> None:
    with pytest.raises(OfferError, match=message):
        parse_offer(body)


def test_good_offer_and_ice_servers() -> None:
    assert parse_offer({"sdp": GOOD, "type": "offer"}).type == "offer"
    config = ice_configuration(("stun:stun.example.org:3478", "turn:ann:secret@turn.example.org:3478"))
    stun, turn = config.iceServers
    assert stun.urls == "stun:stun.example.org:3478" and stun.username is None
    assert (turn.urls, turn.username, turn.credential) == ("turn:turn.example.org:3478", "ann", "secret")
    assert ice_configuration(()).iceServers == []
