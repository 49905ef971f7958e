"""Start Rasa or the action server so that each answers only Viva (run in the Rasa venv).

    python -m rasa_boot.launch rasa <arguments of `rasa run`>
    python -m rasa_boot.launch actions --actions actions --port 5055

Keys come from the environment, never the command line (any user can read a process's
command line; only its owner can read its environment):
- Rasa gets `--auth-token $VIVA_RASA_KEY` appended in this process, so its HTTP API (trackers,
  `/status`, …) wants `?token=`; the REST channel wants the same key as `X-Viva-Key`
  (rasa_boot/channel.py); endpoints.yml sends `VIVA_ACTIONS_KEY` to the action server.
- The action server (rasa-sdk's own Sanic app) refuses every request whose `X-Viva-Key` is
  not `VIVA_ACTIONS_KEY`, and sends no CORS headers.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys

KEY_HEADER = "X-Viva-Key"
MIN_KEY_CHARS = 32


def _key(name: str) -> str:
    key = os.environ.get(name, "")
    if len(key) < MIN_KEY_CHARS:
        sys.exit(f"{name} is not set: Viva starts this process (`viva serve`) with its key")
    return key


def run_rasa(arguments: list[str]) -> None:
    token = _key("VIVA_RASA_KEY")
    _key("VIVA_ACTIONS_KEY")  # endpoints.yml sends it; fail here rather than on the first action
    from rasa.__main__ import main

    sys.argv = ["rasa", *arguments, "--auth-token", token]
    main()


def run_actions(arguments: list[str]) -> None:
    key = _key("VIVA_ACTIONS_KEY").encode()
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app, create_argument_parser
    from sanic import response
    from sanic.request import Request

    args = create_argument_parser().parse_args(arguments)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins="", auto_reload=False)

    async def only_viva(request: Request) -> response.HTTPResponse | None:
        if not hmac.compare_digest(request.headers.get(KEY_HEADER, "").encode(), key):
            return response.json({"error": "the action server only answers Viva"}, status=401)
        return None

    app.register_middleware(only_viva, "request")
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    logging.getLogger(__name__).info("action server on http://%s:%s (Viva's key required)", host, args.port)
    app.run(host, args.port, workers=1, access_log=False)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("rasa", "actions"):
        sys.exit("usage: python -m rasa_boot.launch rasa|actions ARGUMENTS…")
    which, arguments = sys.argv[1], sys.argv[2:]
    if which == "rasa":
        run_rasa(arguments)
    else:
        run_actions(arguments)


if __name__ == "__main__":
    main()
