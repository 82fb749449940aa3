#!/usr/bin/env bash
# Soak (docs/retention.md, BENCHMARKS.md): runs `cycles serve --mock` on a FILE database with every retention at its
# 24 h minimum, drives wrk with the reserve+commit mix (scripts/wrk-reserve-commit.lua), advances the server's
# virtual clock by SOAK_ADVANCE every sample so retention has something to purge, and every SOAK_SAMPLE seconds
# prints a markdown row: RSS (from /proc), database and WAL size, and row counts per table (sqlite3 CLI, read-only).
# Linux only; needs wrk and sqlite3 (apt-get install wrk sqlite3).
#
#   scripts/soak.sh [minutes] [connections]            # default 10 minutes, 50 connections, release build
#   CYCLES_BINARY=.build/debug/cycles scripts/soak.sh 1 4   # a short check against another binary
#
# Environment: CYCLES_BINARY (binary; default .build/release/cycles, built if missing), SOAK_DB (database file, deleted
# first; default /tmp/cycles-soak.sqlite), SOAK_SAMPLE (seconds between samples, default 30), SOAK_ADVANCE
# (virtual ms added to the clock per sample, default 21600000 = 6 h, so 24 h of retention passes every 4 samples),
# SOAK_PORT (default 17881).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
connections=${2:-50}
binary=${CYCLES_BINARY:-.build/release/cycles}
database=${SOAK_DB:-/tmp/cycles-soak.sqlite}
sample=${SOAK_SAMPLE:-30}
advance=${SOAK_ADVANCE:-21600000}
port=${SOAK_PORT:-17881}
admin=soak-admin-key
if [ ! -x "$binary" ]; then
  [ "$binary" = .build/release/cycles ] || { echo "no executable at $binary" >&2; exit 1; }
  swift build -c release --product cycles
fi
rm -f "$database" "$database-wal" "$database-shm"
"$binary" serve --port "$port" --database "$database" --seed Fixtures/seeds/bench.json --mock --admin-key "$admin" \
  --retention-idempotency 24h --retention-reservations 24h --retention-events 24h --retention-deliveries 24h \
  --retention-interval 5s > /tmp/cycles-soak.log 2>&1 &
server=$!
wrk_pid=
trap 'kill $server 2>/dev/null || true; [ -z "$wrk_pid" ] || kill "$wrk_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" > /dev/null || { echo "server did not start:" >&2; cat /tmp/cycles-soak.log >&2; exit 1; }
threads=$(( connections < 2 ? 1 : 2 ))
wrk -t"$threads" -c"$connections" -d"${minutes}m" --latency -s scripts/wrk-reserve-commit.lua \
  "http://127.0.0.1:$port/v1/reservations" > /tmp/cycles-soak-wrk.txt 2>&1 &
wrk_pid=$!
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
tables="reservation idempotency event_log audit_log webhook_delivery"
counts() {
  local sql=""
  for table in $tables; do sql+="SELECT count(*) FROM $table; "; done
  sqlite3 -readonly "$database" "$sql" 2>/dev/null | paste -sd '|' | sed 's/|/ | /g'
}
echo "Soak: $minutes min, $connections connections, $binary, database $database, +$(( advance / 3600000 )) h virtual per ${sample}s sample"
echo
echo "| t (s) | virtual +h | RSS MiB | db MiB | WAL MiB | $(sed 's/ / | /g' <<< "$tables") |"
echo "|---:|---:|---:|---:|---:|$(for _ in $tables; do printf -- '---:|'; done)"
started=$(date +%s)
virtual=0
row() {
  local rss
  rss=$(awk '/VmRSS/ {print $2 * 1024}' "/proc/$server/status")
  echo "| $(( $(date +%s) - started )) | $(( virtual / 3600000 )) | $(mib "$rss") | $(mib "$(size "$database")") | $(mib "$(size "$database-wal")") | $(counts) |"
}
row
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep "$sample"
  kill -0 "$wrk_pid" 2>/dev/null || break
  curl -sf -X POST "http://127.0.0.1:$port/__cycles/clock/advance" -H "X-Admin-API-Key: $admin" \
    -H 'Content-Type: application/json' -d "{\"by_ms\":$advance}" > /dev/null
  virtual=$(( virtual + advance ))
  row
done
wait "$wrk_pid" || true
wrk_pid=
row
echo
echo "wrk (reserve + commit, $connections connections):"
sed 's/^/    /' /tmp/cycles-soak-wrk.txt
# One purge now, to show what is left once everything due has gone.
echo
echo "Final purge: $(curl -sf -X POST "http://127.0.0.1:$port/__cycles/retention/purge" -H "X-Admin-API-Key: $admin")"
