#!/usr/bin/env bash
# Issue 14's kustomize helmCharts: linting a kustomization that inflates a
# local chart costs less than the user's alternative, `kustomize build
# --enable-helm` (kustomize v5.8.2 running helm v4.3.2) piped to `salint
# lint -`. One kustomization per chart of ../shared/charts (each with a copy
# of its chart under charts/, since kustomize's load restrictions keep the
# chart's values.yaml below the kustomization), side by side, alternately,
# ROUNDS times (default 5); each line gives wall and CPU (user+sys) seconds:
#   salint-all   one `salint lint` process given every kustomization
#   salint-each  one `salint lint` process per kustomization, summed
#   build+lint   `kustomize build --enable-helm K | salint lint -` per
#                kustomization, summed
# and the ratios of salint-all and salint-each to build+lint. Usage:
# .ci/bench/helmcharts.sh [ROUNDS]; SALINT=path times that binary instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
charts_dir=../shared/charts
gobin=$(go env GOPATH)/bin
# shellcheck source=timed.sh
. .ci/bench/timed.sh
need_helm "$gobin/helm"
need_kustomize "$gobin/kustomize"
[ -d "$charts_dir" ] || { echo "no charts at $charts_dir" >&2; exit 1; }
scratch_and_salint
kusts=()
while IFS= read -r dir; do
  [ -f "$(dirname "$(dirname "$dir")")/Chart.yaml" ] && continue # a subchart
  name=$(sed -n 's/^name:[[:space:]]*//p' "$dir/Chart.yaml" | head -1 | tr -d '"'"'")
  k=$tmp/k${#kusts[@]}
  mkdir -p "$k/charts" && cp -r "$dir" "$k/charts/$name"
  printf 'helmCharts:\n  - name: %s\n    releaseName: release-name\n' "$name" >"$k/kustomization.yaml"
  kusts+=("$k")
done < <(find "$charts_dir" -name Chart.yaml -printf '%h\n' | sort)
echo "${#kusts[@]} kustomizations, $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)"
# Each must build with the CLI, or the comparison is not of the same work.
for k in "${kusts[@]}"; do
  "$gobin/kustomize" build --enable-helm --helm-command "$gobin/helm" "$k" >/dev/null 2>&1 || { echo "kustomize build $k failed" >&2; exit 1; }
done
for i in $(seq "$rounds"); do
  wall=0 cpu=0; timed "$salint" lint --no-config "${kusts[@]}"; all="$wall $cpu"
  wall=0 cpu=0; for k in "${kusts[@]}"; do timed "$salint" lint --no-config "$k"; done; each="$wall $cpu"
  wall=0 cpu=0; for k in "${kusts[@]}"; do
    timed sh -c '"$1" build --enable-helm --helm-command "$2" "$3" | "$4" lint --no-config -' - "$gobin/kustomize" "$gobin/helm" "$k" "$salint"
  done; alt="$wall $cpu"
  read -r aw ac <<<"$all"; read -r ew ec <<<"$each"; read -r lw lc <<<"$alt"
  printf 'round %d: salint-all %s s (cpu %s)  salint-each %s s (cpu %s)  build+lint %s s (cpu %s)  all/alt %.2f (cpu %.2f)  each/alt %.2f (cpu %.2f)\n' \
    "$i" "$aw" "$ac" "$ew" "$ec" "$lw" "$lc" \
    "$(echo "$aw / $lw" | bc -l)" "$(echo "$ac / $lc" | bc -l)" "$(echo "$ew / $lw" | bc -l)" "$(echo "$ec / $lc" | bc -l)"
done
