#!/usr/bin/env bash
# Reminder fan-out: one event with ATTENDEES confirmed attendees (default 5,000) whose reminder is due now, two API
# processes (both Hangfire servers on one PostgreSQL), a local SMTP sink. Prints the time until the last message is
# received, messages per second, and duplicates by Message-ID.
# Usage: bash bench/reminders.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
ATTENDEES="${ATTENDEES:-5000}"
# Messages per SMTP connection and transaction, and batches each dispatch run sends side by side.
BATCH="${BATCH:-100}"
WORKERS="${WORKERS:-4}"
# A first, unmeasured reminder of WARMUP attendees: a fresh process runs its mail path in unoptimised JIT code for
# its first thousands of messages, and a deployed instance would be warm (0 skips it).
WARMUP="${WARMUP:-2000}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_install python3-aiosmtpd /usr/bin/python3 -c "import aiosmtpd"
bench_in_pg "$0" "$@"

bench_build
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

SMTP_PORT=2525
/usr/bin/python3 "$ROOT/bench/smtp_sink.py" "$SMTP_PORT" "$WORK/received.txt" & PIDS+=($!)
bench_database assemble_reminders
# The first process migrates; the second starts once it is ready (it would wait on the advisory lock anyway).
for port in 5090 5091; do
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Smtp__Host=127.0.0.1 Smtp__Port=$SMTP_PORT Smtp__EnableSsl=false \
    Jobs__Outbox__Interval=00:00:01 Jobs__Outbox__BatchSize=$BATCH Jobs__Outbox__Workers=$WORKERS dotnet "$DLL" --urls "http://127.0.0.1:$port" >"$WORK/api-$port.log" 2>&1 & PIDS+=($!)
  bench_wait_ready "$port" "$WORK/api-$port.log"
done

# wait_received N FILE: waits up to two minutes until FILE has N lines.
wait_received() {
  for _ in $(seq 1 600); do
    [ -f "$2" ] && [ "$(wc -l <"$2")" -ge "$1" ] && return 0
    sleep 0.2
  done
}
if [ "$WARMUP" -gt 0 ]; then
  echo "bench: warm-up reminder to $WARMUP attendees (not measured)"
  curl -sS --fail-with-body -X POST "http://127.0.0.1:5090/bench/seed-reminder?attendees=$WARMUP" -o "$WORK/seed.log" || { cat "$WORK/seed.log" >&2; exit 1; }
  wait_received "$WARMUP" "$WORK/received.txt"
  sleep 2
  # The sink appends per message: what arrives from now on goes to a fresh file.
  mv "$WORK/received.txt" "$WORK/warmup.txt"
  WARM_SENT=$(psql -qtA -d assemble_reminders -c "SELECT count(*) FROM outbox_emails WHERE status = 'Sent'")
  echo "bench: warm-up delivered $(wc -l <"$WORK/warmup.txt") messages ($WARM_SENT rows sent)"
fi

echo "bench: seeding an event with $ATTENDEES confirmed attendees, reminder due now"
START=$(date +%s.%N)
curl -sS --fail-with-body -X POST "http://127.0.0.1:5090/bench/seed-reminder?attendees=$ATTENDEES" -o "$WORK/seed.log" || { cat "$WORK/seed.log" >&2; exit 1; }
SEEDED=$(date +%s.%N)
wait_received "$ATTENDEES" "$WORK/received.txt" || true
touch "$WORK/received.txt"
RECEIVED=$(wc -l <"$WORK/received.txt")
FIRST=$(sort -n "$WORK/received.txt" | awk 'NR == 1 { print $1 }')
LAST=$(sort -n "$WORK/received.txt" | awk 'END { print $1 }')
DISTINCT=$(cut -d' ' -f2 "$WORK/received.txt" | sort -u | wc -l)
awk -v s="$SEEDED" -v f="$FIRST" -v l="$LAST" -v n="$RECEIVED" -v d="$DISTINCT" -v a="$ATTENDEES" 'BEGIN {
  t = l - s; printf "reminders: %d of %d received, %d distinct Message-IDs (%d duplicates), first %.1f s and last %.1f s after seeding, %.0f messages/s\n", n, a, d, n - d, f - s, t, (t > 0 ? n / t : 0) }'
psql -qtA -d assemble_reminders -c "SELECT 'outbox (warm-up included): ' || string_agg(status || '=' || c, ', ') FROM (SELECT status, count(*) c FROM outbox_emails GROUP BY status) x"
psql -qtA -d assemble_reminders -c "SELECT 'nodes: ' || count(*) FROM hangfire.server"
psql -qtA -d assemble_reminders -c "SELECT 'jobs: ' || string_agg(s || '=' || c, ', ') FROM (SELECT coalesce(statename, 'none') s, count(*) c FROM hangfire.job GROUP BY 1) x"
