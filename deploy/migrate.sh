#!/bin/sh
# The migrate step of a deployment: applies the database migrations, then exits.
# Run it once per release, before (or while) the new API instances start: `migrate` takes a
# PostgreSQL advisory lock, so concurrent runs and instances starting at the same time wait
# for each other instead of migrating twice. The API instances themselves run with
# Database__MigrateOnStartup=false.
#
# It needs the same environment as the API (at least ConnectionStrings__Default; see
# deploy/api.env.template), e.g.:
#   docker run --rm --env-file deploy/api.env assemble-api migrate      (the image's entrypoint)
#   docker run --rm --env-file deploy/api.env --entrypoint ./migrate.sh assemble-api
#   ASSEMBLE_APP_DIR=/srv/assemble deploy/migrate.sh                    (a published folder)
# Exit code 0 means the database is up to date.
set -eu

if [ -n "${ASSEMBLE_APP_DIR:-}" ]; then
  app_dir="$ASSEMBLE_APP_DIR"
elif [ -f "$(dirname "$0")/Assemble.Api.dll" ]; then
  app_dir="$(dirname "$0")"   # inside the image: /app/migrate.sh
else
  app_dir=/app
fi
if [ ! -f "$app_dir/Assemble.Api.dll" ]; then
  echo "migrate.sh: Assemble.Api.dll not found in $app_dir; set ASSEMBLE_APP_DIR to the published API folder." >&2
  exit 1
fi

cd "$app_dir"
exec dotnet Assemble.Api.dll migrate "$@"
