#!/usr/bin/env bash
# Checks the local stack's observability files without Docker, with promtool (Debian: apt-get install prometheus):
# the Prometheus configuration, and every PromQL expression of the Grafana dashboard, written out as recording rules
# so that promtool parses them. Not part of .ci/run (the build machines need neither Prometheus nor Docker).
#
# Usage: scripts/check-observability.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "check-observability.sh: promtool is missing (Debian: apt-get install prometheus)" >&2
  exit 1
fi
promtool check config deploy/observability/prometheus.yml
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - deploy/observability/grafana/dashboards/assemble.json >"$work/dashboard.rules.yml" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        print(f"      - record: panel_{panel['id']}_{target['refId']}\n        expr: {json.dumps(target['expr'])}")
PY
promtool check rules "$work/dashboard.rules.yml"
echo "check-observability.sh: the Prometheus configuration and the dashboard's queries parse"
