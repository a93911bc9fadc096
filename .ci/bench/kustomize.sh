#!/usr/bin/env bash
# Issue 16's kustomize target: a cold `salint lint` of every kustomize root
# of the corpus takes no longer than `kustomize build` (the CLI, v5.8.2) of
# the same roots, summed. Both run side by side, alternately, ROUNDS times
# (default 5); each line gives wall and CPU (user+sys) seconds:
#   salint-all   one `salint lint` process given every root
#   salint-each  one `salint lint` process per root, summed
#   kustomize    one `kustomize build` per root, summed
# and the ratios salint/kustomize. Usage: .ci/bench/kustomize.sh [ROUNDS];
# SALINT=path times that binary instead of one built from the worktree.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
corpus=../shared/corpus
kustomize=$(go env GOPATH)/bin/kustomize
# shellcheck source=timed.sh
. .ci/bench/timed.sh
need_kustomize "$kustomize"
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
scratch_and_salint
mapfile -t roots < <(go run .ci/bench/roots.go "$corpus")
echo "${#roots[@]} roots, $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)"

# Each root must build with kustomize, or the comparison is not of the same work.
for r in "${roots[@]}"; do
  "$kustomize" build "$r" >/dev/null 2>&1 || { echo "kustomize build $r failed" >&2; exit 1; }
done
for i in $(seq "$rounds"); do
  wall=0 cpu=0; timed "$salint" lint --no-config "${roots[@]}"; all="$wall $cpu"
  wall=0 cpu=0; for r in "${roots[@]}"; do timed "$salint" lint --no-config "$r"; done; each="$wall $cpu"
  wall=0 cpu=0; for r in "${roots[@]}"; do timed "$kustomize" build "$r"; done; kust="$wall $cpu"
  read -r aw ac <<<"$all"; read -r ew ec <<<"$each"; read -r kw kc <<<"$kust"
  printf 'round %d: salint-all %s s (cpu %s)  salint-each %s s (cpu %s)  kustomize %s s (cpu %s)  all/kustomize %.2f (cpu %.2f)  each/kustomize %.2f (cpu %.2f)\n' \
    "$i" "$aw" "$ac" "$ew" "$ec" "$kw" "$kc" \
    "$(echo "$aw / $kw" | bc -l)" "$(echo "$ac / $kc" | bc -l)" "$(echo "$ew / $kw" | bc -l)" "$(echo "$ec / $kc" | bc -l)"
done
