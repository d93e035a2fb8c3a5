#!/bin/sh
# Benchmark: `release drift` over an environment of N tracked objects (default 5,000) on the
# served embedded cluster (KubeSimServer over HTTPS, `release sim start`): once in sync, once
# after kubectl changed 10 objects and deleted 5. Prints wall time and peak memory (goal:
# under 100 MiB). Not a test: timings depend on the machine.
#   scripts/bench/drift.sh [OBJECTS]   (default 5000)
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

now_ms() { date +%s%3N; }
# Wall time (ms), exit status and peak resident memory (KiB, GNU time) of one drift run.
run() {
  start=$(now_ms)
  status=0
  /usr/bin/time -f '%M' -o "$work/rss" "$release" drift bench --repo "$repo" > "$work/drift.txt" 2>"$work/drift.err" || status=$?
  ms=$(( $(now_ms) - start ))
  kib=$(tail -1 "$work/rss")
  echo "$1: exit $status, $ms ms, peak $(python3 -c "print(f'{$kib / 1024:.0f} MiB')"); $(head -1 "$work/drift.txt")"
}

echo "environment: $count tracked objects, served embedded cluster (KubeSimServer over HTTPS)"
run "in sync"
for i in 0 5 10 15 20 25 30 35 40 45; do
  kubectl patch configmap "config-$i" -n bench --type merge -p '{"data":{"index":"edited"}}' >/dev/null
done
for i in 50 55 60 65 70; do kubectl delete configmap "config-$i" -n bench >/dev/null; done
run "after 10 edits and 5 deletes"
