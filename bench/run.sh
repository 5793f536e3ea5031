#!/usr/bin/env bash
# Load benchmark of the events API beside raw-SQL baselines, in one go, against a Release build:
#   1. GET /api/events (20 a page, filtered) vs the same SQL through raw Npgsql, at 64 connections, with the
#      listing's page cache on (as deployed) and off (a second process), so the query path is measured too;
#   2. POST registrations for one 1,000-seat event by many members (then the sold-out phase) vs a one-statement
#      raw baseline, at 256 connections; then checks that no seat was sold twice.
# Usage: bash bench/run.sh        (env: DURATION=15s, MEMBERS=4000, LIST_EVENTS=300, REGISTER=0 for the listing alone, LIST=0 for the registrations alone)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
DURATION="${DURATION:-15s}"
MEMBERS="${MEMBERS:-4000}"
LIST_EVENTS="${LIST_EVENTS:-300}"
WARMUP_ROUNDS="${WARMUP_ROUNDS:-3}"
REGISTER="${REGISTER:-1}"
LIST="${LIST:-1}"
[ -z "${WARMUP_REGISTER:-}" ] || { echo "bench: WARMUP_REGISTER is gone; the registration warm-up is WARMUP_ROUNDS x WARMUP_ROUND" >&2; exit 2; }
[ "$WARMUP_ROUNDS" -ge 1 ] 2>/dev/null || { echo "bench: WARMUP_ROUNDS must be a whole number of at least 1" >&2; exit 2; }
PORT="${BENCH_PORT:-5090}"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_install wrk command -v wrk
bench_in_pg "$0" "$@"

bench_build
WORK="$(mktemp -d)"
trap 'for pid in ${API_PID:-} ${UNCACHED_PID:-}; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

bench_database assemble_bench
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Email__PickupDirectory="$WORK/mail" \
  Jobs__Scheduler__Enabled=false dotnet "$DLL" --urls "http://127.0.0.1:$PORT" >"$WORK/api.log" 2>&1 &
API_PID=$!
bench_wait_ready "$PORT" "$WORK/api.log"

echo "bench: seeding $MEMBERS members, $LIST_EVENTS listed events, two 1,000-seat events"
curl -sf -X POST "http://127.0.0.1:$PORT/bench/seed" -H 'content-type: application/json' \
  -d "{\"members\": $MEMBERS, \"listEvents\": $LIST_EVENTS, \"capacity\": 1000, \"warmupRounds\": $WARMUP_ROUNDS}" >"$WORK/seed.json"
json() { grep -o "\"$1\":\"[^\"]*\"" "$WORK/seed.json" | head -1 | cut -d'"' -f4; }
EVENT="$(json registrationEventId)"; TICKET="$(json registrationTicketTypeId)"
BASE_EVENT="$(json baselineEventId)"; BASE_TICKET="$(json baselineTicketTypeId)"
list() { grep -o "\"$1\":\[[^]]*\]" "$WORK/seed.json" | sed "s/\"$1\":\[//; s/\]\$//" | tr ',' '\n' | tr -d '"'; }
list tokens >"$WORK/tokens.txt"
echo "bench: $(wc -l <"$WORK/tokens.txt") tokens"
# Statistics now, as a deployed database has them: left to autovacuum, they arrive about a minute after the seed, in
# the middle of the runs, and the listing's plan changes with them (docs/decisions/0004).
psql -qd assemble_bench -c "ANALYZE"

run() { # name connections script url [env...]
  local name="$1" conns="$2" script="$3" url="$4"; shift 4
  local line
  line="$(env WRK_THREADS=2 "$@" wrk -t2 -c"$conns" -d"$DURATION" --timeout 10s -s "$ROOT/bench/wrk/$script" "$url" | grep '^RESULT')"
  echo "$name $line" | tee -a "$WORK/results.txt"
}

QUERY="limit=20&format=online&hasSeats=true"
# Warm-up: every measured path runs first (JIT tiering), on events that are not measured, at the measured connection
# count (so the connection pool has grown to what the run will use). The listing paths run for WARMUP; the fresh
# process of the uncached listing for WARMUP_UNCACHED, since under load tiered compilation keeps promoting methods
# for 20-30 s (measured with dotnet-counters: hundreds of methods a second), and a run measured before that is
# measuring the JIT. Each registration path warms up on WARMUP_ROUNDS events of its own, WARMUP_ROUND each, one after
# the other: every one has a seat for each member and then sells out, so the seat path runs in several bursts. The JIT
# optimises a method in steps, each after more calls, and one burst left the seat path in instrumented code until the
# measured run (the JIT's log, DOTNET_JitStdOutFile with DOTNET_JitDisasmSummary=1, showed it optimised then).
# Each registration run follows its own warm-up, so both sides start alike.
WARMUP="${WARMUP:-8s}"
WARMUP_UNCACHED="${WARMUP_UNCACHED:-30s}"
WARMUP_ROUND="${WARMUP_ROUND:-10s}"
echo "bench: warming up ($WARMUP per listing path, $WARMUP_UNCACHED for the uncached one, $WARMUP_ROUNDS x $WARMUP_ROUND per registration path)"
warm() { env WRK_THREADS=2 "${@:5}" wrk -t2 -c"$1" -d"$2" --timeout 10s -s "$ROOT/bench/wrk/$3" "$4" >/dev/null; }
# LIST=0 measures the registration runs alone.
if [ "$LIST" = 1 ]; then
warm 64 "$WARMUP" get.lua "http://127.0.0.1:$PORT/api/events?$QUERY"
warm 64 "$WARMUP" get.lua "http://127.0.0.1:$PORT/bench/baseline/events?$QUERY"
run list 64 get.lua "http://127.0.0.1:$PORT/api/events?$QUERY"
run list-baseline 64 get.lua "http://127.0.0.1:$PORT/bench/baseline/events?$QUERY"
# The same listing with its page cache off (ListingCache), so that what the query path costs is measured as well:
# a second API process on the same database, stopped before the registration runs.
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Email__PickupDirectory="$WORK/mail" \
  Jobs__Scheduler__Enabled=false Events__ListingCacheMilliseconds=0 dotnet "$DLL" --urls "http://127.0.0.1:$((PORT + 1))" >"$WORK/api-uncached.log" 2>&1 &
UNCACHED_PID=$!
bench_wait_ready "$((PORT + 1))" "$WORK/api-uncached.log"
warm 64 "$WARMUP_UNCACHED" get.lua "http://127.0.0.1:$((PORT + 1))/api/events?$QUERY"
run list-uncached 64 get.lua "http://127.0.0.1:$((PORT + 1))/api/events?$QUERY"
kill "$UNCACHED_PID"; wait "$UNCACHED_PID" 2>/dev/null || true; UNCACHED_PID=
fi
warm_registrations() { # seed-list path-prefix
  local pair pairs
  pairs="$(list "$1")"
  [ -n "$pairs" ] || { echo "bench: the seed gave no $1" >&2; exit 1; }
  for pair in $pairs; do
    warm 256 "$WARMUP_ROUND" register.lua "http://127.0.0.1:$PORT" TOKENS_FILE="$WORK/tokens.txt" TARGET_PATH="$2/${pair%/*}/registrations" BODY="{\"ticketTypeId\":\"${pair#*/}\"}"
  done
}
# What the JIT compiled during a measured run (after its warm-up): methods and milliseconds.
jit_during() { # name command...
  local before after
  before="$(curl -sf "http://127.0.0.1:$PORT/bench/jit")"
  "${@:2}"
  after="$(curl -sf "http://127.0.0.1:$PORT/bench/jit")"
  echo "bench: JIT during $1: $(( ${after% *} - ${before% *} )) methods, $(( ${after#* } - ${before#* } )) ms" | tee -a "$WORK/results.txt"
}
# REGISTER=0 measures the listing alone.
if [ "$REGISTER" = 1 ]; then
warm_registrations warmups /api/events
jit_during register run register 256 register.lua "http://127.0.0.1:$PORT" TOKENS_FILE="$WORK/tokens.txt" TARGET_PATH="/api/events/$EVENT/registrations" BODY="{\"ticketTypeId\":\"$TICKET\"}"
warm_registrations baselineWarmups /bench/baseline/events
jit_during register-baseline run register-baseline 256 register.lua "http://127.0.0.1:$PORT" TOKENS_FILE="$WORK/tokens.txt" TARGET_PATH="/bench/baseline/events/$BASE_EVENT/registrations" BODY="{\"ticketTypeId\":\"$BASE_TICKET\"}"

psql -qtA -d assemble_bench -c "SELECT 'oversell check: capacity=' || capacity || ' seats_taken=' || seats_taken || ' active_registrations=' ||
  (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status IN ('Confirmed','PendingPayment')) FROM events e WHERE id = '$EVENT'" | tee -a "$WORK/results.txt"

echo "bench: server-side time per registration, by event and status, in the order run (each warm-up precedes its measured run)"
curl -sf "http://127.0.0.1:$PORT/bench/timings" | tee -a "$WORK/timings.txt"
fi
field() { grep "^$1 " "$WORK/results.txt" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
echo "| scenario | req/s | p50 ms | p99 ms | baseline req/s | baseline p99 ms | ratio |"
echo "|---|---|---|---|---|---|---|"
row() { # label scenario baseline
  echo "| $1 | $(field "$2" rps) | $(field "$2" p50_ms) | $(field "$2" p99_ms) | $(field "$3" rps) | $(field "$3" p99_ms) | $(ratio "$(field "$2" rps)" "$(field "$3" rps)") |"
}
if [ "$LIST" = 1 ]; then
  row list list list-baseline
  row "list, page cache off" list-uncached list-baseline
fi
[ "$REGISTER" = 1 ] || exit 0
row register register register-baseline
grep '^register ' "$WORK/results.txt" | grep -o 'statuses=.*' | sed 's/^/register /'
grep 'oversell\|^bench: JIT' "$WORK/results.txt"
