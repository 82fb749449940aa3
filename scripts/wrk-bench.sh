#!/usr/bin/env bash
# Drives a release `cycles serve` with wrk (BENCHMARKS.md): GET /health and POST /v1/reservations at 1 and 50
# connections, several rounds, printing throughput, p50 and the server's CPU time per request (from /proc, so the
# figure is not inflated by time the hypervisor steals from this VM). Linux only; needs wrk (apt-get install wrk).
#
#   scripts/wrk-bench.sh [rounds] [seconds] [extra serve flags…]
#   scripts/wrk-bench.sh 3 4 --database /tmp/bench.sqlite     # a file database instead of :memory:
#   scripts/wrk-bench.sh 3 4 --metrics                         # with /metrics on (compare with a run without)
#   CYCLES_BINARY=/tmp/cycles-before scripts/wrk-bench.sh 3 3    # another build (before/after comparisons)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-4}
shift $(( $# > 2 ? 2 : $# ))
port=17879
binary=${CYCLES_BINARY:-.build/release/cycles}
[ -x "$binary" ] || swift build -c release --product cycles
"$binary" serve --port "$port" --seed Fixtures/seeds/bench.json "$@" > /tmp/cycles-wrk-bench.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "| route | connections | req/s | p50 | server CPU µs/request |"
echo "|---|---:|---:|---:|---:|"
for _ in $(seq "$rounds"); do
  for connections in 1 50; do
    for route in health reserve; do
      if [ "$route" = health ]; then
        target=(--latency "http://127.0.0.1:$port/health")
      else
        target=(--latency -s scripts/wrk-reserve.lua "http://127.0.0.1:$port/v1/reservations")
      fi
      before=$(cpu_ticks)
      output=$(wrk -t1 -c"$connections" -d"${seconds}s" "${target[@]}")
      after=$(cpu_ticks)
      requests=$(awk '/requests in/ {print $1}' <<< "$output")
      rate=$(awk '/Requests\/sec/ {print $2}' <<< "$output")
      p50=$(awk '$1 == "50%" {print $2}' <<< "$output")
      errors=$(grep -c "Non-2xx" <<< "$output" || true)
      cpu=$(( (after - before) * 1000000 / ticks / requests ))
      echo "| $route$([ "$errors" = 0 ] || echo ' (non-2xx!)') | $connections | $rate | $p50 | $cpu |"
    done
  done
done
