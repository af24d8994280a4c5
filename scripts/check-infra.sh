#!/usr/bin/env bash
# Builds and lints infra/main.bicep with the Bicep CLI from NuGet (version in
# infra/tools/Bicep.props). Any diagnostic fails, warnings included: bicep exits 0 on warnings
# and prints them on stderr, so everything it prints counts. Writes the ARM template to
# artifacts/infra/main.json and ends with one line saying how it went.
set -uo pipefail
cd "$(dirname "$0")/.."
tools=infra/tools/BicepCli.csproj
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
  cat "$log"
  echo "infra: FAILED, $1"
  exit 1
}

dotnet restore "$tools" -nologo -v q >"$log" 2>&1 || fail "the Bicep CLI could not be restored"
prop() { dotnet msbuild "$tools" -nologo -getProperty:"$1"; }
root=$(prop NuGetPackageRoot) && package=$(prop BicepCliPackage) && version=$(prop BicepCliVersion) ||
  fail "could not read the Bicep CLI's location from $tools"
bicep="${root%/}/${package,,}/$version/tools/bicep"
[ -f "$bicep" ] || fail "no Bicep CLI at $bicep after restore"
[ -x "$bicep" ] || chmod +x "$bicep"

mkdir -p artifacts/infra
: >"$log"
"$bicep" build infra/main.bicep --outfile artifacts/infra/main.json >>"$log" 2>&1 || fail "bicep build reported errors"
"$bicep" lint infra/main.bicep >>"$log" 2>&1 || fail "bicep lint reported errors"
if [ -s "$log" ]; then
  fail "bicep reported $(grep -cE ': (Warning|Error|Info) ' "$log") diagnostic(s); none is allowed"
fi
echo "infra: infra/main.bicep builds and lints clean with Bicep $version (artifacts/infra/main.json)"
