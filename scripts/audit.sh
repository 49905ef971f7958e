#!/usr/bin/env bash
# Dependency audit (pip-audit) of both venvs, with the project's policy:
#   - the app's venv (.venv): a known vulnerability fails the command (exit 1): we can upgrade it;
#   - Rasa's venv (.venv-rasa): advisories are listed for information only. Rasa 3.6 pins its
#     stack (TensorFlow, Sanic, …) and the project cannot change those pins; Rasa only listens
#     on loopback behind Viva's keys (docs/deployment.md).
#   - when the vulnerability service cannot be reached, or no package could be looked up, the
#     command says NOT AUDITED and exits 2: it never reports a pass it did not check.
# Not run in CI (it needs the network). Usage: scripts/audit.sh [--service pypi|osv]
set -uo pipefail
cd "$(dirname "$0")/.."
service="${2:-pypi}"
[[ "${1:-}" == "--service" ]] || service=pypi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

audit() {  # name venv
    local purelib
    purelib="$("$2/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || return 0
    echo "== $1: $purelib (pip-audit, $service)"
    .venv/bin/pip-audit --path "$purelib" --vulnerability-service "$service" --skip-editable \
        --progress-spinner off --format json --output "$out/$1.json" 2>"$out/$1.err"
    echo "$?" >"$out/$1.rc"
}

if [[ ! -x .venv/bin/pip-audit ]]; then
    echo "pip-audit is not installed: .venv/bin/pip install pip-audit" >&2
    exit 2
fi
audit app .venv
[[ -x .venv-rasa/bin/python ]] && audit rasa .venv-rasa

exec .venv/bin/python - "$out" <<'PY'
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
status = 0
for name in ("app", "rasa"):
    if not (out / f"{name}.rc").exists():
        continue
    report = out / f"{name}.json"
    if not report.is_file() or not report.read_text().strip():
        error = [line for line in (out / f"{name}.err").read_text().splitlines() if line.strip()]
        print(f"{name}: NOT AUDITED: pip-audit could not run: {error[-1] if error else 'no output'}")
        status = max(status, 2)
        continue
    deps = json.loads(report.read_text())["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [(d, v) for d in deps for v in d.get("vulns", [])]
    checked = len(deps) - len(skipped)
    print(f"{name}: {len(deps)} packages, {checked} checked, {len(skipped)} not checked, {len(found)} advisories")
    if deps and not checked:
        print(f"{name}: NOT AUDITED: no package could be looked up ({skipped[0]['skip_reason']})")
        status = max(status, 2)
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
        print(f"  {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if found and name == "app":
        status = max(status, 1)
    elif found:
        print("  (Rasa's pinned stack: for information; the policy does not fail on these)")
sys.exit(status)
PY
