#!/usr/bin/env bash
# Generates TypeScript types from the OpenAPI document (openapi-typescript) and type-checks the request bodies
# README.md shows (docs/client/readme-bodies.ts) against them.
#
# Usage: scripts/check-client.sh [DOCUMENT]   (default: writes one with scripts/openapi.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${1:-}" ]; then cp "$1" "$work/openapi.json"; else bash scripts/openapi.sh "$work/openapi.json" >/dev/null; fi
cp docs/client/readme-bodies.ts "$work/"
(
  cd "$work"
  npx --yes openapi-typescript@7.13.0 openapi.json -o api.d.ts >generate.log 2>&1 || { cat generate.log >&2; exit 1; }
  npx --yes -p typescript@5.9.3 tsc --noEmit --strict --target es2022 --module esnext --moduleResolution bundler readme-bodies.ts
)
echo "check-client.sh: the README's request bodies type-check against the generated client"
