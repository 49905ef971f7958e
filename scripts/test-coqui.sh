#!/usr/bin/env bash
# The opt-in Coqui TTS test (`make test-coqui`), kept out of the default suite because it needs
# its own venv (.venv-coqui: torch + coqui-tts, ~1.8 GB) and trains a tiny model (a few minutes).
# Idempotent: the venv is reused while the pins below and pyproject.toml are unchanged.
#
#   scripts/test-coqui.sh              install what is missing, then run tests/tts/test_coqui.py
#   scripts/test-coqui.sh -k path      extra arguments go to pytest
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
VENV="$ROOT/.venv-coqui"
# coqui-tts 0.28 refuses to import without torchaudio and (from torch 2.9 on) torchcodec, and
# imports `six` without declaring it. PyPI's newest torchaudio is 2.11 (no torch pin) and its
# Linux wheel is a CUDA build whose C++ extension cannot load against CPU torch; see step 2.
# torchcodec >= 0.12 supports torch >= 2.11. Nothing here decodes audio through either of
# them (Glow-TTS reads wavs with soundfile), so no FFmpeg is needed.
PINS=("coqui-tts==0.28.0" "torchaudio==2.11.0" "torchcodec==0.17.0" "six"
      "numpy" "pyyaml" "pytest" "pytest-asyncio" "pytest-timeout")
STEP=0
STEPS=3

PIP_LOG="$VENV/.pip-install.log"
quiet_pip() {  # pip's chatter goes to a log, shown when pip fails
  "$VENV/bin/pip" install -q --progress-bar off "$@" >>"$PIP_LOG" 2>&1 \
    || { tail -n 30 "$PIP_LOG" >&2; die "pip install $* failed (log: $PIP_LOG)"; }
}


# -- 1. the venv -------------------------------------------------------------------------------
step "Coqui environment (.venv-coqui, Python 3.11)"
if [[ ! -x "$VENV/bin/python" ]]; then
  PY311="$(find_python 3.11)" || die "Python 3.11 not found (see scripts/setup.sh)."
  info "creating venv with $PY311"
  "$PY311" -m venv "$VENV"
  quiet_pip --upgrade pip wheel
else
  info "exists"
fi

# -- 2. packages -------------------------------------------------------------------------------
step "Packages (torch $TORCH_VERSION CPU, ${PINS[*]}, Viva)"
STAMP="$( { printf '%s ' "torch==$TORCH_VERSION" "${PINS[@]}"; cat pyproject.toml; } | sha256sum | cut -c1-16)"
if stamp_ok "$VENV/.viva-installed" "$STAMP"; then
  info "up to date"
else
  if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
    info "installing torch $TORCH_VERSION (CPU build) first, so nothing pulls a CUDA build"
    # --no-deps: the local wheel has no index beside it; its dependencies come with the pins.
    "$VENV/bin/pip" install -q --no-index --no-deps "torch==$TORCH_VERSION" 2>/dev/null \
      || "$VENV/bin/pip" install -q "torch==$TORCH_VERSION" --extra-index-url https://download.pytorch.org/whl/cpu >>"$PIP_LOG" 2>&1 \
      || die "could not install torch $TORCH_VERSION (CPU). See README: 'Getting the CPU build of torch'."
  fi
  info "installing ${PINS[*]} (first run: a few minutes)"
  # The torch pin keeps pip from swapping the CPU build for another one while resolving.
  quiet_pip "torch==$TORCH_VERSION" "${PINS[@]}"
  # torchaudio 2.11's extension links libc10_cuda/libtorch_cuda, absent from the CPU build of
  # torch, so `import torchaudio` fails. Without its .so files torchaudio runs as pure Python
  # (transforms, resampling: all coqui's Glow-TTS/VITS code uses). A CPU wheel from the
  # PyTorch index would need no such step, but it is not on PyPI.
  if ! "$VENV/bin/python" -c "import torchaudio" 2>/dev/null; then
    TA_LIB="$("$VENV/bin/python" -c "import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec('torchaudio').origin).parent / 'lib')")"
    info "torchaudio's CUDA extension cannot load with CPU torch: removing it ($TA_LIB/*.so)"
    rm -f "$TA_LIB"/*.so
    "$VENV/bin/python" -c "import torchaudio" || die "torchaudio does not import even without its extension"
  fi
  info "installing Viva itself (editable, no dependencies: the test needs only tts/)"
  quiet_pip --no-deps -e "$ROOT"
  "$VENV/bin/python" -c "import TTS.utils.synthesizer, trainer, torch, tts; assert torch.__version__.startswith('$TORCH_VERSION')" \
    || die "the Coqui environment is incomplete (log: $PIP_LOG)"
  echo "$STAMP" >"$VENV/.viva-installed"
  info "done"
fi
"$VENV/bin/python" - <<'EOF' | sed 's/^/      /'
from importlib.metadata import version
print(", ".join(f"{p} {version(p)}" for p in ("torch", "torchaudio", "torchcodec", "coqui-tts", "coqui-tts-trainer", "numpy")))
EOF

# -- 3. the test -------------------------------------------------------------------------------
step "Training a tiny Glow-TTS model and speaking through Viva's coqui engine"
# -o addopts='' lifts pyproject's "-m 'not coqui'"; --noconftest because tests/conftest.py needs
# the app venv (av, faster-whisper), which this venv does not have.
export HF_HUB_OFFLINE=1 TRAINER_TELEMETRY=0
exec "$VENV/bin/python" -m pytest -o addopts='' -m coqui --noconftest -ra --durations=5 \
  tests/tts/test_coqui.py "$@"
