#!/usr/bin/env bash
# Compiles every Tests/CompileFail/*.swift snippet against the built `Cycles` module and checks that the
# move checker rejects it with the message in its `// EXPECT:` line (or, for `// EXPECT: COMPILES`, that it
# compiles). The ~Copyable ReservationGuard's "settle at most once" guarantee is a compile-time property, so
# it can only be tested this way. Move-checker errors come from SIL, so a full compile (-c) is needed;
# -typecheck would accept every snippet.
#
# Usage: scripts/compile-fail.sh [scratch-path]   (default .build; build the package first: swift build)
# `swift test` runs it through CompileFailTests, passing the bin path in CYCLES_BIN_PATH so the script never
# calls back into SwiftPM (which would wait forever on the scratch-path lock `swift test` holds).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${1:-.build}"
if [ -n "${CYCLES_BIN_PATH:-}" ]; then
    BIN="$CYCLES_BIN_PATH"
    SCRATCH="$(cd "$BIN/../.." && pwd)"
else
    BIN="$(swift build --scratch-path "$SCRATCH" --show-bin-path)"
fi
MODULES="$BIN/Modules"
[ -d "$MODULES" ] || MODULES="$BIN"
if [ ! -e "$MODULES/Cycles.swiftmodule" ]; then
    echo "error: $MODULES/Cycles.swiftmodule not found; run 'swift build --scratch-path $SCRATCH' first" >&2
    exit 2
fi
SWIFTC="$(dirname "$(command -v swift)")/swiftc"
ARGS=(-swift-version 6 -parse-as-library -I "$MODULES" -module-cache-path "$SCRATCH/compile-fail-module-cache")
# C modules of the dependencies (NIO, atomics, …) are found through the module maps SwiftPM generated.
# Only C targets' maps: skip the generated Swift-header maps and the host-tool copies of plugin dependencies.
while IFS= read -r map; do
    case "$map" in *-tool.build/*) continue ;; esac
    grep -q -- '-Swift.h' "$map" && continue
    ARGS+=(-Xcc "-fmodule-map-file=$map")
done < <(find "$BIN" -name module.modulemap)
while IFS= read -r inc; do ARGS+=(-Xcc -I -Xcc "$inc"); done < <(find .build/checkouts "$SCRATCH/checkouts" -type d -name include 2>/dev/null || true)

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
failures=0
for snippet in Tests/CompileFail/*.swift; do
    expected="$(sed -n 's|^// EXPECT: ||p' "$snippet" | head -1)"
    name="$(basename "$snippet" .swift)"
    if "$SWIFTC" "${ARGS[@]}" -c "$snippet" -o "$OUT/$name.o" >"$OUT/$name.log" 2>&1; then
        if [ "$expected" = "COMPILES" ]; then
            echo "PASS $name (compiles)"
        else
            echo "FAIL $name: compiled, expected error '$expected'"
            failures=$((failures + 1))
        fi
    else
        if [ "$expected" != "COMPILES" ] && grep -q "error: .*$expected" "$OUT/$name.log"; then
            echo "PASS $name ($expected)"
        else
            echo "FAIL $name: expected '${expected}', compiler said:"
            sed 's/^/    /' "$OUT/$name.log" | head -20
            failures=$((failures + 1))
        fi
    fi
done
if [ "$failures" -ne 0 ]; then
    echo "$failures compile-fail check(s) failed"
    exit 1
fi
echo "All compile-fail checks passed."
