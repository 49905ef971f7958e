"""Fuzzing Viva with malformed and hostile input: `python -m tests.fuzz --cases 5000`.

Six targets, each fed seeded, reproducible cases (tests/fuzz/cases.py): SDP offers and API
bodies over HTTP to a real `viva serve`, data-channel messages over a real WebRTC session,
corrupt audio frames through the inbound decode path, corrupt decks through the importer and
corrupt content files through the content checker. A case passes when it is refused with a
clear error (a 4xx with a message, the component's own exception type) or accepted; it fails
on a 5xx, any other exception, a dead session or a server that stops answering.
"""
