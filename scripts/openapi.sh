#!/usr/bin/env bash
# Writes the OpenAPI document the API serves at /openapi/v1.json to a file (default: openapi.json), without a
# database: the API's `openapi FILE` command starts it on a loopback port, writes the document and stops.
#
# Usage: scripts/openapi.sh [FILE]
#   npx --yes @redocly/cli@2.77.0 lint FILE            # what .ci/run checks (rules in redocly.yaml)
#   npx --yes openapi-typescript@7.13.0 FILE -o api.d.ts   # TypeScript types for a client (scripts/check-client.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(realpath -m "${1:-openapi.json}")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build src/Api -c Release -v quiet -nologo >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# The server is the configured public address; nothing else in the document depends on the environment.
if ! ASPNETCORE_ENVIRONMENT=Production AllowedHosts=localhost App__PublicBaseUrl="${App__PublicBaseUrl:-http://localhost:5080}" \
     Jobs__Scheduler__Enabled=false Logging__LogLevel__Default=None \
     dotnet src/Api/bin/Release/net10.0/Assemble.Api.dll openapi "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "openapi.sh: the API could not write its document" >&2
  exit 1
fi
echo "openapi.sh: wrote $out"
