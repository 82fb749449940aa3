#!/usr/bin/env bash
# Builds every README quickstart snippet the way a reader would use it: a brand-new package next to a checkout of
# this repository (`../swift-cycles`), depending on it by path, with the snippet as the whole `main.swift`. The first
# snippet is built by the README's Package.swift verbatim (Examples/Readme/Package.swift.example); the others are
# added as targets depending on the products their README paragraph names.
#
# Slow (it builds the whole dependency graph in a fresh scratch directory: ~10 minutes on two cores), so CI does
# not run it; CI compiles the same files as in-package executables (Package.swift, ReadmeSnippetTests).
#
# Usage: scripts/readme-package-check.sh [work-dir]   (default: a new temporary directory, removed afterwards)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
[ -n "${1:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"
ln -sfn "$REPO" "$WORK/swift-cycles"

PACKAGE="$WORK/my-agent"
mkdir -p "$PACKAGE/Sources/my-agent" "$PACKAGE/Sources/server-snippet" "$PACKAGE/Sources/mock-snippet"
# The README's Package.swift, plus one target per further snippet with the products its paragraph names.
EXTRA='.executableTarget(name: "server-snippet", dependencies: [.product(name: "CyclesServer", package: "swift-cycles")]), '
EXTRA+='.executableTarget(name: "mock-snippet", dependencies: [.product(name: "Cycles", package: "swift-cycles"), '
EXTRA+='.product(name: "CyclesTesting", package: "swift-cycles")]), '
grep -q '^    targets: \[' "$REPO/Examples/Readme/Package.swift.example"
sed "s|^    targets: \[|    targets: [$EXTRA|" "$REPO/Examples/Readme/Package.swift.example" > "$PACKAGE/Package.swift"
cp "$REPO/Examples/Readme/ClientQuickstart/main.swift" "$PACKAGE/Sources/my-agent/main.swift"
cp "$REPO/Examples/Readme/ServerQuickstart/main.swift" "$PACKAGE/Sources/server-snippet/main.swift"
cp "$REPO/Examples/Readme/MockQuickstart/main.swift" "$PACKAGE/Sources/mock-snippet/main.swift"
(cd "$PACKAGE" && swift build)
echo "All README snippets build in a package that depends on swift-cycles by path."
