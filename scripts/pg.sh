# shellcheck shell=bash
# Local PostgreSQL 15 for development. Source this file, then call:
#
#   assemble_pg_up     ensure a cluster is running on 127.0.0.1:$ASSEMBLE_PG_PORT (default 5433)
#                      and export PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (=assemble)
#                      and ASSEMBLE_PG_CONNECTION_STRING (an Npgsql connection string).
#   assemble_pg_down   stop that cluster (its data is kept).
#   assemble_pg_ensure_installed
#                      install the PostgreSQL 15 server with apt when missing (root only).
#
# The cluster lives in .data/postgres (gitignored), with its password in .data/postgres.password
# (mode 600, generated once). When run as root the cluster belongs to and runs as the `postgres`
# user; if that user cannot reach the project folder (e.g. a clone inside a 0700 directory), the
# cluster lives in /var/lib/postgresql/assemble/<hash of the project path> instead.
# Calling assemble_pg_up again reuses the running server, or starts the existing cluster.
#
# The functions return non-zero (rather than exit) on failure, so `set -e` callers stop there.

ASSEMBLE_PG_BINDIR="${ASSEMBLE_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
_ASSEMBLE_PG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

_assemble_pg_log() { printf 'pg.sh: %s\n' "$*" >&2; }

# Installs the PostgreSQL 15 server when its binaries are missing.
assemble_pg_ensure_installed() {
  if [ -x "$ASSEMBLE_PG_BINDIR/initdb" ] && [ -x "$ASSEMBLE_PG_BINDIR/pg_ctl" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    _assemble_pg_log "PostgreSQL 15 server binaries are missing ($ASSEMBLE_PG_BINDIR/initdb)."
    _assemble_pg_log "Install them, e.g. on Debian/Ubuntu:  sudo apt-get install postgresql-15 postgresql-contrib"
    _assemble_pg_log "(or point ASSEMBLE_PG_BINDIR at a folder holding PostgreSQL 15's initdb, pg_ctl and pg_isready)."
    return 1
  fi
  _assemble_pg_log "installing PostgreSQL 15 with apt-get..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || return 1
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-contrib >/dev/null \
    || apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null \
    || { _assemble_pg_log "apt-get could not install PostgreSQL 15."; return 1; }
  if [ ! -x "$ASSEMBLE_PG_BINDIR/initdb" ]; then
    _assemble_pg_log "PostgreSQL was installed, but $ASSEMBLE_PG_BINDIR/initdb is still missing (not version 15?)."
    return 1
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
# Runs from / so that the owner never needs access to the caller's working directory.
_assemble_pg_as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    (cd / && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
  fi
}

# Prints the data folder to use.
_assemble_pg_datadir() {
  local local_dir="$_ASSEMBLE_PG_ROOT/.data/postgres" hash fallback
  hash="$(printf '%s' "$_ASSEMBLE_PG_ROOT" | sha256sum | cut -c1-12)"
  fallback="/var/lib/postgresql/assemble/$hash"
  if [ -f "$local_dir/PG_VERSION" ] || [ -f "$local_dir.password" ]; then
    printf '%s\n' "$local_dir"; return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    printf '%s\n' "$local_dir"; return 0
  fi
  if [ -f "$fallback/PG_VERSION" ]; then
    printf '%s\n' "$fallback"; return 0
  fi
  # As root: the postgres user must be able to reach the project folder and .data.
  if _assemble_pg_as_owner test -x "$_ASSEMBLE_PG_ROOT"; then
    if [ ! -d "$_ASSEMBLE_PG_ROOT/.data" ]; then
      mkdir -p "$_ASSEMBLE_PG_ROOT/.data" && chmod 755 "$_ASSEMBLE_PG_ROOT/.data"
    fi
    if _assemble_pg_as_owner test -x "$_ASSEMBLE_PG_ROOT/.data"; then
      printf '%s\n' "$local_dir"; return 0
    fi
  fi
  printf '%s\n' "$fallback"
}

# Starts (or restarts, if it runs on another port) the cluster in $1 on port $2.
_assemble_pg_start() {
  local dir="$1" port="$2" sockdir conf
  # A Unix socket path must stay under ~107 bytes: use /tmp for deep folders.
  sockdir="$dir"
  if [ $(( ${#dir} + 20 )) -gt 100 ]; then sockdir=/tmp; fi
  conf="# Written by scripts/pg.sh on every start; edit pg.sh, not this file.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '${sockdir//\'/\'\'}'
"
  printf '%s' "$conf" | _assemble_pg_as_owner tee "$dir/assemble.conf" >/dev/null || return 1
  if _assemble_pg_as_owner "$ASSEMBLE_PG_BINDIR/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    _assemble_pg_log "the cluster in $dir runs on another port; restarting it on $port"
    _assemble_pg_as_owner "$ASSEMBLE_PG_BINDIR/pg_ctl" restart -D "$dir" -m fast -w -l "$dir/server.log" >/dev/null || {
      _assemble_pg_log "could not restart PostgreSQL; see $dir/server.log"; return 1; }
    return 0
  fi
  _assemble_pg_log "starting PostgreSQL in $dir on 127.0.0.1:$port (log: $dir/server.log)"
  _assemble_pg_as_owner "$ASSEMBLE_PG_BINDIR/pg_ctl" start -D "$dir" -w -t 60 -l "$dir/server.log" >/dev/null || {
    _assemble_pg_log "could not start PostgreSQL; the end of $dir/server.log:"
    tail -n 20 "$dir/server.log" >&2 2>/dev/null
    return 1
  }
}

# Creates the cluster in $1 (once).
_assemble_pg_init() {
  local dir="$1" pwfile="$1.password" parent password
  parent="$(dirname "$dir")"
  if [ ! -d "$parent" ]; then
    mkdir -p "$parent" || return 1
  fi
  if [ "$(id -u)" -eq 0 ] && [ "${parent#/var/lib/postgresql/}" != "$parent" ]; then
    chown postgres:postgres "$parent" && chmod 700 "$parent"
  fi
  if [ ! -s "$pwfile" ]; then
    password="$(od -An -tx1 -N18 /dev/urandom | tr -d ' \n')"
    (umask 077 && printf '%s\n' "$password" >"$pwfile") || return 1
  fi
  chmod 600 "$pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pwfile"; fi
  mkdir -p "$dir" && chmod 700 "$dir" || return 1
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  _assemble_pg_log "creating a PostgreSQL 15 cluster in $dir (password in $pwfile)"
  _assemble_pg_as_owner "$ASSEMBLE_PG_BINDIR/initdb" -D "$dir" -U postgres --pwfile="$pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$parent/initdb.log" 2>&1 || {
    _assemble_pg_log "initdb failed:"; cat "$parent/initdb.log" >&2; return 1; }
  rm -f "$parent/initdb.log"
  printf "\ninclude_if_exists = 'assemble.conf'\n" | _assemble_pg_as_owner tee -a "$dir/postgresql.conf" >/dev/null
}

assemble_pg_up() {
  local port="${ASSEMBLE_PG_PORT:-5433}" dir pwfile password db="${ASSEMBLE_PG_DATABASE:-assemble}"
  assemble_pg_ensure_installed || return 1
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    _assemble_pg_log "running as root, but there is no 'postgres' user to run the server (reinstall postgresql-15)."
    return 1
  fi
  dir="$(_assemble_pg_datadir)" || return 1
  pwfile="$dir.password"
  if [ "$dir" != "$_ASSEMBLE_PG_ROOT/.data/postgres" ]; then
    _assemble_pg_log "the postgres user cannot reach $_ASSEMBLE_PG_ROOT; using data folder $dir"
  fi

  if "$ASSEMBLE_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    if [ -s "$pwfile" ]; then
      _assemble_pg_log "reusing the PostgreSQL server on 127.0.0.1:$port"
    else
      _assemble_pg_log "a PostgreSQL server already answers on 127.0.0.1:$port, but it is not this project's ($pwfile is missing)."
      _assemble_pg_log "stop it, or pick another port: ASSEMBLE_PG_PORT=5434"
      return 1
    fi
  else
    if [ ! -f "$dir/PG_VERSION" ]; then
      _assemble_pg_init "$dir" || return 1
    elif [ ! -s "$pwfile" ]; then
      _assemble_pg_log "$dir holds a cluster but its password file $pwfile is missing; delete $dir to start afresh."
      return 1
    fi
    _assemble_pg_start "$dir" "$port" || return 1
  fi

  password="$(head -n 1 "$pwfile")"
  export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSWORD="$password" PGDATABASE="$db"
  export ASSEMBLE_PG_DATADIR="$dir"
  export ASSEMBLE_PG_CONNECTION_STRING="Host=127.0.0.1;Port=$port;Database=$db;Username=postgres;Password=$password"

  if ! psql -X -q -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    _assemble_pg_log "cannot log in to the server on 127.0.0.1:$port with the password from $pwfile."
    _assemble_pg_log "if another PostgreSQL uses this port, pick another: ASSEMBLE_PG_PORT=5434"
    return 1
  fi
  if [ "$(psql -X -d postgres -tAc "select 1 from pg_database where datname = '$db'")" != 1 ]; then
    psql -X -q -d postgres -c "create database \"$db\"" >/dev/null || return 1
  fi
  _assemble_pg_log "PostgreSQL ready: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER PGDATABASE=$PGDATABASE"
}

assemble_pg_down() {
  local dir
  dir="$(_assemble_pg_datadir)" || return 1
  if [ -f "$dir/postmaster.pid" ]; then
    _assemble_pg_as_owner "$ASSEMBLE_PG_BINDIR/pg_ctl" stop -D "$dir" -m fast -w >/dev/null
  fi
}
