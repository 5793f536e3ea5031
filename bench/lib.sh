# Shared by the benchmark scripts (sourced with ROOT set to the project folder).
# shellcheck shell=bash

# bench_install PACKAGE CHECK...: runs CHECK; when it fails, installs the Debian PACKAGE as root or says to.
bench_install() {
  local package="$1"; shift
  "$@" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -qq --no-install-recommends "$package" >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$package" >/dev/null; }
  else echo "bench: install $package" >&2; exit 1; fi
}

# bench_in_pg SCRIPT ARGS...: unless PGHOST is set, runs SCRIPT again inside a throw-away PostgreSQL 15.
bench_in_pg() {
  # shellcheck source=scripts/pg.sh
  source "$ROOT/scripts/pg.sh"
  assemble_pg_ensure_installed
  if [ -z "${PGHOST:-}" ]; then
    # ssl=off as in docker-compose.yml (the postgres:15 image has no TLS): Debian clusters turn TLS on by default, and
    # the API and PostgreSQL on one machine then encrypt every round trip on loopback, on both sides of the 2 cores.
    exec env LC_ALL=C.UTF-8 pg_virtualenv -t -v 15 -i "--encoding=UTF8 --locale=C.UTF-8" -o "max_connections=200" -o "ssl=off" bash "$@"
  fi
}

# bench_build: the API in Release with the baselines (AssembleBenchmark=true); sets DLL.
bench_build() {
  local out="$ROOT/bench/.artifacts"
  echo "bench: building Release with the baselines (AssembleBenchmark=true)"
  dotnet build "$ROOT/src/Api/Api.csproj" -c Release -p:AssembleBenchmark=true --artifacts-path "$out" -v quiet -nologo >/dev/null
  DLL="$(find "$out/bin/Api" -name Assemble.Api.dll | head -1)"
}

# bench_database NAME: points the API at database NAME of the throw-away cluster.
bench_database() {
  export ConnectionStrings__Default="Host=${PGHOST};Port=${PGPORT};Username=${PGUSER};Password=${PGPASSWORD};Database=$1"
  # Production refuses to start without the address its mail links point at.
  export App__PublicBaseUrl="http://127.0.0.1"
  export AllowedHosts="127.0.0.1;localhost"
}

# bench_wait_ready PORT [LOG]: waits up to a minute for /health/ready; prints LOG and fails if it never comes.
bench_wait_ready() {
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.5; done
  [ -n "${2:-}" ] && cat "$2"
  return 1
}
