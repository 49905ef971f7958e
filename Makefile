# The two commands of the README: `make run` and `make test`. Both set up what they need first.
.PHONY: setup run test test-fast test-coqui bench lint audit

setup:
	@scripts/setup.sh

run: setup
	@.venv/bin/viva serve

test: setup
	@scripts/test.sh

test-fast: setup
	@.venv/bin/python -m pytest -q -m "not slow and not coqui"

test-coqui: setup
	@scripts/test-coqui.sh

bench: setup
	@.venv/bin/python -m benchmarks

lint:
	@.venv/bin/ruff check asr tts voicebot drills dialogue tests benchmarks

# pip-audit of both venvs (needs the network; not run in CI): see docs/deployment.md for the policy.
audit:
	@scripts/audit.sh
