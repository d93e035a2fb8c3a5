#!/bin/sh
# Benchmark: `release render` against `kubectl kustomize` on the same generated overlays,
# measured in the same run, printed as a ratio. Not a test: timings depend on the machine.
#   scripts/bench/render.sh [ENVIRONMENTS]   (default 100)
set -eu
cd "$(dirname "$0")/../.."
. ./scripts/bootstrap
count="${1:-100}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 scripts/bench/generate-repo.py "$work/repo" "$count" >/dev/null
swift build -c release --product release >/dev/null
release="$(swift build -c release --show-bin-path)/release"

now_ms() { date +%s%3N; }

# Same objects first: a benchmark of wrong output would be meaningless.
for env in env-000 env-001; do
  kubectl kustomize "$work/repo/environments/$env" > "$work/kubectl.yaml"
  "$release" render "$env" --repo "$work/repo" > "$work/release.yaml"
  cmp -s "$work/kubectl.yaml" "$work/release.yaml" || { echo "output differs for $env" >&2; diff "$work/kubectl.yaml" "$work/release.yaml" | head -20 >&2; exit 1; }
done

objects=$("$release" render --all --repo "$work/repo" | grep -c '^kind:' || true)

start=$(now_ms)
for dir in "$work"/repo/environments/*/; do kubectl kustomize "$dir" > /dev/null; done
kubectl_all=$(( $(now_ms) - start ))

start=$(now_ms)
"$release" render --all --repo "$work/repo" > /dev/null
release_all=$(( $(now_ms) - start ))

runs=10
start=$(now_ms)
i=0; while [ $i -lt $runs ]; do kubectl kustomize "$work/repo/environments/env-000" > /dev/null; i=$((i+1)); done
kubectl_one=$(( ($(now_ms) - start) / runs ))
start=$(now_ms)
i=0; while [ $i -lt $runs ]; do "$release" render env-000 --repo "$work/repo" > /dev/null; i=$((i+1)); done
release_one=$(( ($(now_ms) - start) / runs ))

ratio() { python3 -c "print(f'{$1 / max($2, 1):.1f}x')"; }
echo "repo: $count environments, $objects objects"
echo "all environments: kubectl kustomize ${kubectl_all} ms, release render --all ${release_all} ms: $(ratio "$kubectl_all" "$release_all") faster"
echo "one environment:  kubectl kustomize ${kubectl_one} ms, release render ${release_one} ms: $(ratio "$kubectl_one" "$release_one") faster"
