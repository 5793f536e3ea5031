#!/usr/bin/env bash
# Directory benchmark: PROFILES practice profiles with realistic spreads, 200 queries of 2–5 facets plus a distance
# filter, GET /api/directory vs the same ranking statement through raw Npgsql, at 16 connections, Release build.
# Usage: bash bench/directory.sh        (env: PROFILES=10000, DURATION=20s, WARMUP=8s, CONNECTIONS=16)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
PROFILES="${PROFILES:-10000}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-8s}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${BENCH_PORT:-5091}"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_install wrk command -v wrk
bench_in_pg "$0" "$@"

bench_build
WORK="$(mktemp -d)"
trap 'kill "${API_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

bench_database assemble_bench
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Email__PickupDirectory="$WORK/mail" \
  Jobs__Scheduler__Enabled=false dotnet "$DLL" --urls "http://127.0.0.1:$PORT" >"$WORK/api.log" 2>&1 &
API_PID=$!
bench_wait_ready "$PORT" "$WORK/api.log"

echo "bench: seeding $PROFILES practice profiles"
curl -sf -X POST "http://127.0.0.1:$PORT/bench/seed-directory?profiles=$PROFILES" >"$WORK/seed.json" || { tail -40 "$WORK/api.log"; exit 1; }
psql -qtA -d assemble_bench -c "ANALYZE" >/dev/null
TOKEN="$(grep -o '"token":"[^"]*"' "$WORK/seed.json" | cut -d'"' -f4)"
grep -o '"queries":\[[^]]*\]' "$WORK/seed.json" | sed 's/"queries":\[//; s/\]$//' | tr ',' '\n' | tr -d '"' >"$WORK/raw.txt"
# The list was split on commas inside values too: rejoin lines that do not start a path.
awk '/^\/api\/directory/ { if (line) print line; line = $0; next } { line = line "," $0 } END { print line }' "$WORK/raw.txt" | sed 's/\\u0026/\&/g' >"$WORK/queries.txt"
echo "bench: $(wc -l <"$WORK/queries.txt") queries, e.g. $(head -1 "$WORK/queries.txt")"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$(head -1 "$WORK/queries.txt")" >"$WORK/sample.json"
head -c 300 "$WORK/sample.json"; echo

run() { # name duration prefix
  env QUERIES_FILE="$WORK/queries.txt" TOKEN="$TOKEN" PATH_PREFIX="$3" \
    wrk -t2 -c"$CONNECTIONS" -d"$2" --timeout 10s -s "$ROOT/bench/wrk/directory.lua" "http://127.0.0.1:$PORT" | grep '^RESULT' | sed "s/^/$1 /"
}
echo "bench: warming up ($WARMUP per path)"
run warm "$WARMUP" "" >/dev/null
run warm "$WARMUP" "/bench/baseline/directory" >/dev/null
run directory "$DURATION" "" | tee "$WORK/results.txt"
run directory-baseline "$DURATION" "/bench/baseline/directory" | tee -a "$WORK/results.txt"

field() { grep "^$1 " "$WORK/results.txt" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
echo
echo "| scenario | req/s | p50 ms | p95 ms | p99 ms | baseline req/s | baseline p95 ms | req/s ratio |"
echo "|---|---|---|---|---|---|---|---|"
echo "| directory ($PROFILES profiles, $CONNECTIONS connections) | $(field directory rps) | $(field directory p50_ms) | $(field directory p95_ms) | $(field directory p99_ms) | $(field directory-baseline rps) | $(field directory-baseline p95_ms) | $(awk -v a="$(field directory rps)" -v b="$(field directory-baseline rps)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') |"
