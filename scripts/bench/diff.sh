#!/bin/sh
# Benchmark: `release diff` against `kubectl diff --server-side` on the same rendered objects,
# against the same served cluster (KubeSimServer, `release sim start`), in the same run; prints
# the ratio and release's peak memory. Not a test: timings depend on the machine.
#   scripts/bench/diff.sh [OBJECTS]   (default 5000)
set -eu
cd "$(dirname "$0")/../.."
. ./scripts/bootstrap
count="${1:-5000}"
work="$(mktemp -d)"
release=""
trap '[ -n "$release" ] && "$release" sim stop --repo "$work/repo" >/dev/null 2>&1; rm -rf "$work"' EXIT

python3 scripts/bench/generate-env.py "$work/repo" "$count"
swift build -c release --product release >/dev/null
swift build -c release --product release-sim-server >/dev/null
release="$(swift build -c release --show-bin-path)/release"
repo="$work/repo"

"$release" sim start --repo "$repo" --speed 1 >/dev/null
export KUBECONFIG="$repo/.release/sim/kubeconfig"
echo "applying $count objects to the served embedded cluster..." >&2
"$release" apply bench --yes --repo "$repo" >/dev/null
"$release" render bench --repo "$repo" > "$work/rendered.yaml"

now_ms() { date +%s%3N; }
# Peak resident memory of a command, in KiB (GNU time).
peak_kib() { /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true; cat "$work/rss" | tail -1; }

start=$(now_ms)
status=0; "$release" diff bench --repo "$repo" > "$work/release-diff.txt" || status=$?
release_ms=$(( $(now_ms) - start ))
[ "$status" -eq 0 ] || { echo "release diff found differences (exit $status) on a freshly applied environment" >&2; tail -5 "$work/release-diff.txt" >&2; exit 1; }
release_kib=$(peak_kib "$release" diff bench --repo "$repo")

start=$(now_ms)
status=0; kubectl diff --server-side --field-manager release --force-conflicts -f "$work/rendered.yaml" > "$work/kubectl-diff.txt" 2>&1 || status=$?
kubectl_ms=$(( $(now_ms) - start ))
[ "$status" -le 1 ] || { echo "kubectl diff failed (exit $status):" >&2; tail -5 "$work/kubectl-diff.txt" >&2; exit 1; }

echo "environment: $count objects, served embedded cluster (KubeSimServer over HTTPS)"
echo "kubectl diff --server-side ${kubectl_ms} ms, release diff ${release_ms} ms: $(python3 -c "print(f'{$kubectl_ms / max($release_ms, 1):.1f}x')") faster"
echo "release diff peak memory: $(python3 -c "print(f'{$release_kib / 1024:.0f} MiB')")"
