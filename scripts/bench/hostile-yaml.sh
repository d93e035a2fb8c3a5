#!/bin/sh
# Benchmark: how fast `release render` and `kubectl kustomize` refuse a YAML alias bomb (nine
# levels of nine aliases: 387 million strings expanded) in an overlay, in the same run. Not a
# test: timings depend on the machine; the tests check the refusal and its memory bound.
#   scripts/bench/hostile-yaml.sh
set -eu
cd "$(dirname "$0")/../.."
. ./scripts/bootstrap
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product release >/dev/null
release="$(swift build -c release --show-bin-path)/release"

overlay="$work/repo/environments/bomb"
mkdir -p "$overlay"
git -C "$work/repo" init -q
printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [laughs.yaml]\n' > "$overlay/kustomization.yaml"
{
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
  for level in 1 2 3 4 5 6 7 8 9; do
    previous=$((level - 1))
    printf '  l%s: &l%s [*l%s, *l%s, *l%s, *l%s, *l%s, *l%s, *l%s, *l%s, *l%s]\n' "$level" "$level" \
      "$previous" "$previous" "$previous" "$previous" "$previous" "$previous" "$previous" "$previous" "$previous"
  done
} > "$overlay/laughs.yaml"

now_ms() { date +%s%3N; }
start=$(now_ms)
kubectl_status=0
# kubectl expands the aliases: bounded here, or it runs for minutes and takes gigabytes.
timeout 30 kubectl kustomize "$overlay" > /dev/null 2> "$work/kubectl.err" || kubectl_status=$?
kubectl_ms=$(( $(now_ms) - start ))
start=$(now_ms)
release_status=0
"$release" render bomb --repo "$work/repo" > /dev/null 2> "$work/release.err" || release_status=$?
release_ms=$(( $(now_ms) - start ))

echo "alias bomb (9 levels of 9) in an overlay:"
echo "  kubectl kustomize: exit $kubectl_status in $kubectl_ms ms: $(head -c 160 "$work/kubectl.err")"
echo "  release render:    exit $release_status in $release_ms ms: $(head -c 160 "$work/release.err")"
[ "$release_status" = 2 ] || { echo "release did not refuse the bomb with exit 2" >&2; exit 1; }
[ "$release_ms" -gt 0 ] || release_ms=1
echo "  ratio: kubectl / release = $(awk "BEGIN { printf \"%.1f\", $kubectl_ms / $release_ms }")x"
