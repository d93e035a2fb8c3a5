#!/bin/sh
# Rolls every cell of the rollout matrix (replicas × free GPUs × PDB × strategy) twice on the
# embedded cluster — once as `kubectl apply` leaves it to the Deployment controller, once as
# `release` plans it — and checks docs/rollout-matrix.md against the result; `--write`
# regenerates the file. About a minute of CPU on top of the matrix, so not part of scripts/test.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/bootstrap
mode=check
[ "${1:-}" = "--write" ] && mode=write
RELEASE_TABLES=$mode swift test --filter DefaultStrategyTableTests
