#!/usr/bin/env bash
# Runs the API locally on http://localhost:5080 (Development: migrations are applied and demo
# data is seeded on start) against the project's local PostgreSQL 15 (see scripts/pg.sh), which
# this script creates and starts when needed. Extra arguments go to the API.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run-api.sh: 'dotnet' was not found. The .NET 10 SDK is needed: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
  exit 1
fi

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
assemble_pg_up
# shellcheck source=scripts/receipt-font.sh
source scripts/receipt-font.sh
assemble_receipt_font_ensure

# Point the API at that server unless a connection string was given explicitly.
export ConnectionStrings__Default="${ConnectionStrings__Default:-$ASSEMBLE_PG_CONNECTION_STRING}"
# Mail goes to .eml files in the project's .data/mail (the e-mail seam's development default).
export Email__PickupDirectory="${Email__PickupDirectory:-$(pwd -P)/.data/mail}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

exec env ASPNETCORE_ENVIRONMENT=Development dotnet run --project src/Api -- --urls http://localhost:5080 "$@"
