#!/usr/bin/env bash
# Runs every test of Assemble.sln against PostgreSQL 15 and ends with one line:
#   tests: N passed, N failed[, N skipped]
#
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Auth]
#
# If PGHOST is set, the tests use that server (e.g. after `source scripts/pg.sh; assemble_pg_up`).
# Otherwise the script runs itself inside `pg_virtualenv`, which makes a throw-away PostgreSQL 15
# cluster (about 4 s), exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE for the tests, and
# drops the cluster afterwards. Test results (.trx) go to TestResults/.
#
# `scripts/test.sh --summarize DIR` only prints the summary line of the .trx files under DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
RESULTS="$ROOT/TestResults"
SUMMARY_FILE="$RESULTS/.summary"

# Prints "files total executed passed failed skipped" for the .trx files under $1.
trx_counts() {
  local dir="$1" files
  files="$(find "$dir" -type f -name '*.trx' 2>/dev/null | wc -l)"
  if [ "$files" -eq 0 ]; then
    echo "0 0 0 0 0 0"; return 0
  fi
  find "$dir" -type f -name '*.trx' -exec cat {} + \
    | grep -o '<Counters [^>]*>' \
    | awk -v files="$files" '
        {
          for (i = 1; i <= NF; i++) {
            if (split($i, kv, "=") == 2) { v = kv[2]; gsub(/[^0-9]/, "", v); c[kv[1]] += v }
          }
        }
        END {
          failed = c["failed"] + c["error"] + c["timeout"] + c["aborted"]
          skipped = c["total"] - c["executed"]
          if (c["notExecuted"] > skipped) skipped = c["notExecuted"]
          if (skipped < 0) skipped = 0
          printf "%d %d %d %d %d %d\n", files, c["total"], c["executed"], c["passed"], failed, skipped
        }'
}

# Prints the closing line for the .trx files under $1.
summary_line() {
  local files executed passed failed skipped
  read -r files _ executed passed failed skipped < <(trx_counts "$1")
  if [ "$skipped" -gt 0 ]; then
    echo "tests: $passed passed, $failed failed, $skipped skipped"
  else
    echo "tests: $passed passed, $failed failed"
  fi
}

if [ "${1:-}" = "--summarize" ]; then
  summary_line "${2:?usage: scripts/test.sh --summarize DIR}"
  read -r files _ executed passed failed skipped < <(trx_counts "$2")
  [ "$files" -gt 0 ] && [ "$executed" -gt 0 ] && [ "$failed" -eq 0 ]
  exit $?
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: 'dotnet' was not found. The .NET 10 SDK is needed: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
  echo "tests: 0 passed, 0 failed"
  exit 1
fi

# shellcheck source=scripts/pg.sh
source "$ROOT/scripts/pg.sh"
assemble_pg_ensure_installed
# shellcheck source=scripts/receipt-font.sh
source "$ROOT/scripts/receipt-font.sh"
assemble_receipt_font_ensure

# No database given: run again inside a throw-away PostgreSQL 15 cluster. pg_virtualenv prints its
# own lines after the command ends, so the inner run leaves its closing line in a file for us.
if [ -z "${PGHOST:-}" ]; then
  if ! command -v pg_virtualenv >/dev/null 2>&1; then
    echo "test.sh: pg_virtualenv was not found (Debian package postgresql-common)." >&2
    echo "test.sh: install it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD to a PostgreSQL 15 server" >&2
    echo "test.sh: (e.g. 'source scripts/pg.sh && assemble_pg_up' starts one)." >&2
    echo "tests: 0 passed, 0 failed"
    exit 1
  fi
  rm -rf "$RESULTS"
  rc=0
  # -t: keep the cluster in a temporary folder even as root (no clash with a stale 15/regress).
  # -i: a UTF-8 database whatever the locale; LC_ALL=C.UTF-8 because pg_createcluster refuses a
  # locale that is not installed (and it keeps the tests' culture the same on every machine).
  ASSEMBLE_TEST_DEFER_SUMMARY=1 LC_ALL=C.UTF-8 \
    pg_virtualenv -t -v 15 -i "--encoding=UTF8 --locale=C.UTF-8" bash "$ROOT/scripts/test.sh" "$@" || rc=$?
  if [ -s "$SUMMARY_FILE" ]; then
    tail -n 1 "$SUMMARY_FILE"
  else
    echo "test.sh: the tests did not run (pg_virtualenv exited with $rc)." >&2
    echo "tests: 0 passed, 0 failed"
    [ "$rc" -ne 0 ] || rc=1
  fi
  exit "$rc"
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
echo "test.sh: testing against PostgreSQL at ${PGHOST}:${PGPORT:-5432} as ${PGUSER:-?}" >&2
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

test_rc=0
dotnet test "$ROOT/Assemble.sln" -c Release --logger "trx" --results-directory "$RESULTS" "$@" || test_rc=$?

read -r files _ executed passed failed skipped < <(trx_counts "$RESULTS")
line="$(summary_line "$RESULTS")"

rc=0
if [ "$test_rc" -ne 0 ]; then
  echo "test.sh: dotnet test exited with $test_rc." >&2
  rc="$test_rc"
fi
if [ "$files" -eq 0 ]; then
  echo "test.sh: no .trx file was written to $RESULTS (did the build fail?)." >&2
  [ "$rc" -ne 0 ] || rc=1
elif [ "$executed" -eq 0 ]; then
  echo "test.sh: no test ran." >&2
  [ "$rc" -ne 0 ] || rc=1
fi
if [ "$failed" -gt 0 ]; then
  [ "$rc" -ne 0 ] || rc=1
fi

if [ "${ASSEMBLE_TEST_DEFER_SUMMARY:-}" = 1 ]; then
  echo "$line" >"$SUMMARY_FILE"
else
  echo "$line"
fi
exit "$rc"
