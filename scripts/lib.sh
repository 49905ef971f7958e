# Shared by scripts/setup.sh and scripts/test-coqui.sh (sourced, not run).

# The CPU build these machines keep locally; pyproject.toml pins the same version.
TORCH_VERSION="2.13.0"

step() { STEP=$((STEP + 1)); printf '\n\033[1m[%d/%d] %s\033[0m\n' "$STEP" "$STEPS" "$*"; }
info() { printf '      %s\n' "$*"; }
die() { printf '\n\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# The path of a Python interpreter of version $1 (major.minor): on PATH, else through pyenv.
find_python() {
  local v="$1" candidate
  for candidate in "python$v" python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$v'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null; then
    local root; root="$(pyenv root)"
    for candidate in "$root"/versions/"$v".*/bin/python; do
      [[ -x "$candidate" ]] && { echo "$candidate"; return 0; }
    done
  fi
  return 1
}
