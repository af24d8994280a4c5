#!/usr/bin/env bash
# Publishes the function app as `azd deploy` does (dotnet publish -c Release) and checks that the
# package holds what the Functions host on Flex Consumption reads, and no local settings. A
# local.settings.json is put in place for the publish (when there is none) so that its exclusion
# is really tested, and removed again afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
project=functions/Loyalty.Functions
out=artifacts/publish
settings=$project/local.settings.json
made_settings=false
if [ ! -e "$settings" ]; then
  cp local.settings.sample.json "$settings" && made_settings=true
fi
cleanup() { if $made_settings; then rm -f "$settings"; fi; }
trap cleanup EXIT

rm -rf "$out"
start=$(date +%s)
if ! dotnet publish "$project" -c Release -o "$out" -nologo -v q -clp:ErrorsOnly; then
  echo "publish: dotnet publish of the function app failed"
  exit 1
fi

missing=()
for f in functions.metadata worker.config.json extensions.json host.json Loyalty.Functions.dll .azurefunctions; do
  [ -e "$out/$f" ] || missing+=("$f")
done
[ -n "$(ls -A "$out/.azurefunctions" 2>/dev/null)" ] || missing+=(".azurefunctions/ (empty)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "publish: the package lacks ${missing[*]}"
  exit 1
fi
if [ -n "$(find "$out" -name local.settings.json -print -quit)" ]; then
  echo "publish: the package contains local.settings.json (local secrets must never be deployed)"
  exit 1
fi
functions=$(grep -c '"entryPoint"' "$out/functions.metadata")
echo "publish: $out holds functions.metadata ($functions functions), worker.config.json, extensions.json, .azurefunctions/ and host.json, no local.settings.json ($(( $(date +%s) - start )) s)"
