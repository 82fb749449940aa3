#!/usr/bin/env bash
# Headless Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium (pinned in
# scripts/browser-requirements.txt, installed once into a venv under the build folder).
#
#   scripts/browser-test.sh dashboard --url URL --admin-key KEY --api-key KEY --tenant T [--out DIR]
#       walks the live dashboard of a `cycles serve --mock` (see scripts/browser_driver.py) and saves screenshots
#   scripts/browser-test.sh screenshot FILE OUT.png [--expand-first-details [--details-selector CSS]] [--width N]
#       a full-page screenshot of a local HTML file, opened offline (for example a `cycles conformance … --html`
#       report); fails if the page reaches for the network or the <details> does not open
#   scripts/browser-test.sh setup
#       only makes the venv; prints PYTHON=<venv python>
#
# Fails loudly (exit 1, with the fix) when Chromium, its driver, python3 or PyPI are missing: never a silent skip.
# CYCLES_BROWSER_DIR overrides the venv's folder (default .build/browser); CHROMIUM and CHROMEDRIVER the binaries.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/scripts/browser-requirements.txt"
dir="${CYCLES_BROWSER_DIR:-$root/.build/browser}"
venv="$dir/venv"
stamp="$dir/.installed-$(sha256sum "$requirements" | cut -c1-16)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
chromedriver="${CHROMEDRIVER:-/usr/bin/chromedriver}"

for binary in "$chromium" "$chromedriver"; do
    if [ ! -x "$binary" ]; then
        echo "browser-test.sh: $binary is missing: apt-get install -y --no-install-recommends chromium chromium-driver" >&2
        exit 1
    fi
done
if [ ! -f "$stamp" ]; then
    command -v python3 >/dev/null || { echo "browser-test.sh: python3 is not installed" >&2; exit 1; }
    mkdir -p "$dir"
    # Serialize concurrent callers: the second waits, then finds the stamp.
    exec 9>"$dir/.lock"
    flock 9
    if [ ! -f "$stamp" ]; then
        rm -rf "$venv"
        python3 -m venv "$venv" >&2 || { echo "browser-test.sh: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2 \
            || { echo "browser-test.sh: pip could not install $requirements" >&2; exit 1; }
        touch "$stamp"
    fi
fi
if [ "${1:-}" = "setup" ]; then
    echo "PYTHON=$venv/bin/python"
    exit 0
fi
export CHROMIUM="$chromium" CHROMEDRIVER="$chromedriver"
exec "$venv/bin/python" "$root/scripts/browser_driver.py" "$@"
