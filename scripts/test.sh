#!/usr/bin/env bash
# The whole test suite (unit tests, real models, real Rasa, real browser over WebRTC).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
exec .venv/bin/python -m pytest -ra --durations=15 "$@"
