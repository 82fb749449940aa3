# Sourced by scripts/test-package-*.sh: runs a packaged `cycles` the way a user would and fails loudly.
#
#   exercise_cycles RESULT_DIR HOST_DIR_OF_RESULTS -- CMD...
#
# CMD... runs `cycles` (e.g. `chroot ROOT /opt/cycles/cycles` or `VENV/bin/cycles`). RESULT_DIR is where that
# command writes its reports, as the command sees it; HOST_DIR_OF_RESULTS is the same directory seen from here.
# Steps: --version; `cycles serve --port 0` (with --mock when this build's `serve --help` offers it); GET /health;
# one reserve and its commit over HTTP; then `cycles conformance server` against that server, which must exit 0
# (no MUST check failed; every level runs). Prints one summary line per step and sets CONFORMANCE_SUMMARY.

demo_api_key=cyc_test_demo_0123456789abcdef0123456789
test_admin_key=package-test-admin-key

now_ms() { date +%s%3N; }

exercise_cycles() {
    local result_dir=$1 host_result_dir=$2
    shift 3   # the two directories and "--"
    local -a cycles=("$@")

    echo "-- cycles --version"
    "${cycles[@]}" --version

    local -a serve_flags=(--port 0 --admin-key "$test_admin_key")
    # The control API the conformance kit drives may sit behind an explicit --mock switch in newer builds.
    if "${cycles[@]}" serve --help | grep -q -- '--mock'; then serve_flags+=(--mock); fi

    echo "-- cycles serve ${serve_flags[*]}"
    local serve_log=$host_result_dir/serve.log
    local started_ms
    started_ms=$(now_ms)
    "${cycles[@]}" serve "${serve_flags[@]}" >"$serve_log" 2>&1 &
    SERVE_PID=$!
    # Wait (at most 30 s) for the line that names the URL; the server prints it once it is listening.
    local url="" i
    for i in $(seq 300); do
        url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$serve_log" | head -1 || true)
        [ -n "$url" ] && break
        if ! kill -0 "$SERVE_PID" 2>/dev/null; then cat "$serve_log" >&2; echo "cycles serve exited" >&2; return 1; fi
        sleep 0.1
    done
    if [ -z "$url" ]; then cat "$serve_log" >&2; echo "cycles serve printed no URL within 30 s" >&2; return 1; fi
    echo "listening on $url after $(( $(now_ms) - started_ms )) ms"

    echo "-- GET /health"
    local health
    health=$(curl -sS --fail-with-body "$url/health")
    echo "$health"
    [ "$health" = '{"status":"UP"}' ] || { echo "unexpected /health answer" >&2; return 1; }

    echo "-- POST /v1/reservations, then commit"
    local reserve reservation_id
    reserve=$(curl -sS --fail-with-body "$url/v1/reservations" -H "X-Cycles-API-Key: $demo_api_key" \
        -H 'Content-Type: application/json' \
        -d '{"idempotency_key":"package-test-reserve-1","subject":{"tenant":"demo","agent":"assistant"},
             "action":{"kind":"llm.completion","name":"package-test"},
             "estimate":{"unit":"USD_MICROCENTS","amount":5000},"ttl_ms":60000}')
    grep -o '"decision":"[A-Z_]*"\|"reservation_id":"[^"]*"' <<<"$reserve" | tr '\n' ' '; echo
    grep -q '"decision":"ALLOW"' <<<"$reserve" || { echo "the reserve was not allowed" >&2; return 1; }
    reservation_id=$(grep -o '"reservation_id":"[^"]*"' <<<"$reserve" | cut -d'"' -f4)
    [ -n "$reservation_id" ] || { echo "no reservation_id in the reserve answer" >&2; return 1; }
    local commit
    commit=$(curl -sS --fail-with-body "$url/v1/reservations/$reservation_id/commit" \
        -H "X-Cycles-API-Key: $demo_api_key" -H 'Content-Type: application/json' \
        -d '{"idempotency_key":"package-test-commit-1","actual":{"unit":"USD_MICROCENTS","amount":4200}}')
    grep -o '"status":"[A-Z_]*"\|"charged":{[^}]*}\|"released":{[^}]*}' <<<"$commit" | tr '\n' ' '; echo
    grep -q '"status":"COMMITTED"' <<<"$commit" || { echo "the commit did not settle" >&2; return 1; }

    echo "-- cycles conformance server --url $url"
    started_ms=$(now_ms)
    if ! "${cycles[@]}" conformance server --url "$url" --api-key "$demo_api_key" --admin-key "$test_admin_key" \
        --profile all --junit "$result_dir/conformance.xml" --json "$result_dir/conformance.json" \
        >"$host_result_dir/conformance.txt" 2>&1; then
        cat "$host_result_dir/conformance.txt" >&2
        echo "cycles conformance server failed" >&2
        return 1
    fi
    local conformance_ms=$(( $(now_ms) - started_ms ))
    tail -n 12 "$host_result_dir/conformance.txt"
    CONFORMANCE_SUMMARY="$(conformance_counts "$host_result_dir/conformance.json") in ${conformance_ms} ms"
    echo "conformance: $CONFORMANCE_SUMMARY"

    stop_server
}

# Counts from the kit's JSON report, e.g. "61 pass, 0 fail, 2 skip, 0 expected_fail".
conformance_counts() {
    python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]
print(", ".join(f"{s[k]} {k}" for k in ("pass", "fail", "skip", "expected_fail")))' "$1"
}

stop_server() {
    if [ -n "${SERVE_PID:-}" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
        kill -TERM "$SERVE_PID"
        wait "$SERVE_PID" || true
    fi
    SERVE_PID=""
}
