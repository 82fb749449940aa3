#!/usr/bin/env bash
# Makes (once) a virtual environment under the build folder with the upstream Python SDK, pinned, and
# unpacks its sdist next to it (the sdist carries the SDK's tests and its recovery adapter).
#
#   scripts/python-sdk.sh            # prints two lines: PYTHON=<venv python> and SDIST=<unpacked sdist>
#
# Tests that validate the foreign SDK call this and fail loudly when it fails: no python3, no venv
# module, or PyPI out of reach are errors, never a silent skip. Set CYCLES_PYTHON_SDK_DIR to use
# another folder than .build/python-sdk.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/scripts/python-sdk-requirements.txt"
dir="${CYCLES_PYTHON_SDK_DIR:-$root/.build/python-sdk}"
version="$(sed -n 's/^runcycles==//p' "$requirements")"
venv="$dir/venv"
sdist="$dir/runcycles-$version"
stamp="$dir/.installed-$(sha256sum "$requirements" | cut -c1-16)"

if [ ! -f "$stamp" ]; then
    command -v python3 >/dev/null || { echo "python-sdk.sh: python3 is not installed" >&2; exit 1; }
    mkdir -p "$dir"
    # Serialize concurrent callers (parallel tests): the second waits, then finds the stamp.
    exec 9>"$dir/.lock"
    flock 9
    if [ ! -f "$stamp" ]; then
        rm -rf "$venv" "$sdist"
        python3 -m venv "$venv" >&2 || { echo "python-sdk.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
        tmp="$(mktemp -d)"
        "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            "runcycles==$version" -d "$tmp" >&2
        tar -xzf "$tmp/runcycles-$version.tar.gz" -C "$dir"
        rm -rf "$tmp"
        touch "$stamp"
    fi
fi
echo "PYTHON=$venv/bin/python"
echo "SDIST=$sdist"
