#!/usr/bin/env bash
# Lints .github/workflows/ with actionlint, built from its pinned Go module into a cache outside
# the repository (no prebuilt download). Needs Go and the Go module proxy; shellcheck is used for
# the run: scripts when it is on PATH. Not part of `npm test`, which stays Node-only.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
bin="${BERTH_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth-tools}/actionlint-$version"
if [ ! -x "$bin/actionlint" ]; then
  command -v go >/dev/null || { echo "scripts/actionlint.sh: go is not installed; cannot build actionlint $version" >&2; exit 2; }
  GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi
"$bin/actionlint" -no-color .github/workflows/*.yml
echo "actionlint $version: .github/workflows/ ok"
