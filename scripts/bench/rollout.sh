#!/bin/sh
# Benchmark: how much real time a rollout on the embedded cluster's virtual clock costs —
# `release apply staging --yes` on a fresh copy of the example repo (two GPU pods, each with a
# 300 s readiness window), virtual seconds against wall-clock milliseconds, in the same run.
# Not a test: timings depend on the machine.
set -eu
cd "$(dirname "$0")/../.."
. ./scripts/bootstrap
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product release >/dev/null
release="$(swift build -c release --show-bin-path)/release"
mkdir -p "$work/repo"
cp -r environments templates .gitignore "$work/repo/"

start=$(date +%s%3N)
"$release" apply staging --yes --repo "$work/repo" > "$work/out.txt"
wall_ms=$(( $(date +%s%3N) - start ))
virtual_s=$(sed -n 's/.*rolled out (\([0-9]*\)s).*/\1/p' "$work/out.txt" | tail -1)
[ -n "$virtual_s" ] || { echo "no rollout in the output:" >&2; cat "$work/out.txt" >&2; exit 1; }
echo "rollout of staging: ${virtual_s} s of virtual time in ${wall_ms} ms of real time: $(python3 -c "print(f'{$virtual_s * 1000 / max($wall_ms, 1):.0f}x')") faster than real time"
