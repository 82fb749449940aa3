#!/usr/bin/env bash
# scripts/test-package-debootstrap.sh [dist/cycles-VERSION-linux-x86_64.tar.gz]
#
# Proves the packaged binary runs where Swift is not installed: builds a minimal Debian bookworm root with
# debootstrap (cached under .build/package-test/), adds only the packages the README says a user needs,
# unpacks the tarball inside with the root's own tar after checking its SHA-256, then — all inside `chroot` —
# runs `cycles serve`, asks it for /health, a reserve and a commit (curl from the host over loopback, which the
# chroot shares), and certifies it with `cycles conformance server`.
#
# Needs root, debootstrap (`apt-get install -y debootstrap`), curl and the Debian mirror. Not part of
# `swift test`: run it after scripts/package.sh. The first run downloads ~40 MB and takes a few minutes; later
# runs reuse the root.
set -euo pipefail
self=$(realpath "$0")
# An artifact path given relative to where the script was started from.
if [ $# -gt 0 ]; then set -- "$(realpath "$1")"; fi
cd "$(dirname "$self")/.."
source scripts/package-test-lib.sh

# What a user must have installed (scripts/package.sh derives the same list from ldd; the check below fails if
# it is not enough).
runtime_packages=(libc6 libgcc-s1 libstdc++6 zlib1g libsqlite3-0)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

tarball=${1:-$(ls -t dist/cycles-*-linux-x86_64.tar.gz 2>/dev/null | head -1)}
[ -f "$tarball" ] || { echo "no tarball: run scripts/package.sh first, or pass its path" >&2; exit 1; }

# Run in a private mount namespace: /proc and /dev/shm mounted into the root vanish when the test ends.
if [ -z "${CYCLES_PACKAGE_TEST_IN_NAMESPACE:-}" ]; then
    exec env CYCLES_PACKAGE_TEST_IN_NAMESPACE=1 unshare --mount --propagation private "$self" "$tarball"
fi

test_start=$(date +%s)
cache_key=$(printf '%s\n' bookworm minbase "${runtime_packages[@]}" | sha256sum | cut -c1-12)
root=$PWD/.build/package-test/debian-bookworm-minbase-$cache_key
if [ ! -f "$root/.complete" ]; then
    echo "-- debootstrap --variant=minbase --include=$(IFS=,; echo "${runtime_packages[*]}") bookworm"
    rm -rf "$root"
    mkdir -p "$root"
    debootstrap_start=$(date +%s)
    debootstrap --variant=minbase --include="$(IFS=,; echo "${runtime_packages[*]}")" bookworm "$root" "$mirror" \
        >"$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log" >&2; exit 1; }
    # Shrink the cache: downloaded .debs are not needed to run anything.
    rm -rf "$root"/var/cache/apt/archives/*.deb
    touch "$root/.complete"
    echo "root built in $(( $(date +%s) - debootstrap_start )) s"
else
    echo "-- reusing $root"
fi
echo "root: $(du -sh "$root" | cut -f1)"

mount -t proc proc "$root/proc"
mkdir -p "$root/dev/shm" && mount -t tmpfs tmpfs "$root/dev/shm"
name=$(basename "$tarball" .tar.gz)
# Keep the cached root at its installed size: drop the unpacked binary and the tarball copy, keep the reports.
trap 'stop_server; rm -rf "$root/opt/$name" "$root/tmp/package-test/$name.tar.gz"' EXIT

# No Swift anywhere in the root: the binary must carry its runtime.
if chroot "$root" sh -c 'ls /opt/swift /usr/lib/swift /usr/lib/x86_64-linux-gnu/libswiftCore.so 2>/dev/null' | grep -q .; then
    echo "the test root contains a Swift installation" >&2
    exit 1
fi

echo "-- unpack $(basename "$tarball") inside the root"
rm -rf "$root/opt/$name" "$root/tmp/package-test"
mkdir -p "$root/tmp/package-test"
cp "$tarball" "$root/tmp/package-test/"
if [ -f "$tarball.sha256" ]; then
    cp "$tarball.sha256" "$root/tmp/package-test/"
    chroot "$root" sh -c "cd /tmp/package-test && sha256sum -c $name.tar.gz.sha256"
fi
chroot "$root" tar -xzf "/tmp/package-test/$name.tar.gz" -C /opt

echo "-- ldd inside the root"
ldd_output=$(chroot "$root" ldd "/opt/$name/cycles")
echo "$ldd_output"
if grep -q -e 'not found' -e 'libswift' <<<"$ldd_output"; then
    echo "the binary is missing a library in the root, or still links Swift dynamically" >&2
    exit 1
fi

exercise_cycles /tmp/package-test "$root/tmp/package-test" -- chroot "$root" "/opt/$name/cycles"

cat <<SUMMARY

PASSED test-package-debootstrap on $(date -u +%Y-%m-%d): $(basename "$tarball") in a Debian bookworm minbase root
with ${runtime_packages[*]} and no Swift — serve, /health, reserve + commit, conformance ($CONFORMANCE_SUMMARY);
total $(( $(date +%s) - test_start )) s.
SUMMARY
