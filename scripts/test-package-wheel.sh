#!/usr/bin/env bash
# scripts/test-package-wheel.sh [dist/cycles_mock-VERSION-py3-none-PLATFORM.whl]
#
# Installs the wheel into a fresh virtual environment (offline: the wheel has no dependencies), checks that
# `cycles` is on the environment's PATH and loads no Swift library, then runs `cycles serve` from there, asks it
# for /health, a reserve and a commit, and certifies it with `cycles conformance server` from the same venv.
# Not part of `swift test`: run it after scripts/package.sh.
set -euo pipefail
self=$(realpath "$0")
# An artifact path given relative to where the script was started from.
if [ $# -gt 0 ]; then set -- "$(realpath "$1")"; fi
cd "$(dirname "$self")/.."
source scripts/package-test-lib.sh

wheel=${1:-$(ls -t dist/cycles_mock-*.whl 2>/dev/null | head -1)}
[ -f "$wheel" ] || { echo "no wheel: run scripts/package.sh first, or pass its path" >&2; exit 1; }

test_start=$(date +%s)
work=$(mktemp -d)
trap 'stop_server; rm -rf "$work"' EXIT

echo "-- python3 -m venv; pip install $(basename "$wheel")"
install_start=$(date +%s)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
install_seconds=$(( $(date +%s) - install_start ))

# The console script is what a user types after activating the environment.
cycles=$(PATH="$work/venv/bin:/usr/bin:/bin" command -v cycles)
[ "$cycles" = "$work/venv/bin/cycles" ] || { echo "cycles is not on the venv's PATH (found '$cycles')" >&2; exit 1; }
binary=$("$work/venv/bin/python" -c 'import cycles_mock; print(cycles_mock.binary_path())')
echo "-- ldd $binary"
ldd_output=$(ldd "$binary")
echo "$ldd_output"
if grep -q -e 'not found' -e 'libswift' <<<"$ldd_output"; then
    echo "the installed binary is missing a library, or still links Swift dynamically" >&2
    exit 1
fi

mkdir -p "$work/results"
# A minimal environment, so nothing of the developer's shell (Swift on PATH, library paths) helps.
exercise_cycles "$work/results" "$work/results" -- env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work" cycles

cat <<SUMMARY

PASSED test-package-wheel on $(date -u +%Y-%m-%d): $(basename "$wheel") installed into a fresh venv in ${install_seconds} s —
serve, /health, reserve + commit, conformance ($CONFORMANCE_SUMMARY); total $(( $(date +%s) - test_start )) s.
SUMMARY
