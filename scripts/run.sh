#!/usr/bin/env bash
# Runs the service locally: installs the tools, builds, starts Azurite (unless one already
# listens on 10000-10002), creates tables and queues, loads the demo program and members,
# and serves the API on http://localhost:7071. Arguments go to the host (`--urls ...`,
# `--Loyalty:Local:SeedDemo=false`).
#
# The host takes over this script's process id (no `dotnet run` in between, which does not pass
# SIGINT on), so SIGINT or SIGTERM sent to that id stops it gracefully, Azurite with it. A shell
# that starts a script in the background (`./scripts/run.sh &`) hands it SIGINT ignored; perl
# (part of every Debian system) puts both signals back to their defaults before the host starts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet build functions/Loyalty.Local -nologo -v q -clp:ErrorsOnly
exec perl -e '$SIG{INT} = $SIG{TERM} = "DEFAULT"; exec { $ARGV[0] } @ARGV or die "cannot start dotnet: $!\n"' \
  dotnet functions/Loyalty.Local/bin/Debug/net10.0/Loyalty.Local.dll "$@"
