#!/usr/bin/env bash
# Runs the service locally: installs the tools, builds, starts Azurite (unless one already
# listens on 10000-10002), creates tables and queues, loads the demo program and members,
# and serves the API on http://localhost:7071.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet build functions/Loyalty.Local -nologo -v q
exec dotnet run --project functions/Loyalty.Local --no-build "$@"
