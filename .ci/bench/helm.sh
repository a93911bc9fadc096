#!/usr/bin/env bash
# Issue 14 and the brief: linting Helm charts costs less than the user's
# alternative, `helm template` (the CLI, v4.3.2) of the same charts. Each
# chart of ../shared/charts, side by side, alternately, ROUNDS times
# (default 5); each line gives wall and CPU (user+sys) seconds:
#   salint-all   one `salint lint` process given every chart
#   salint-each  one `salint lint` process per chart, summed
#   helm         one `helm template` per chart, summed (rendering only)
#   helm+lint    the user's alternative: `helm template CHART | salint
#                lint -` per chart, summed
# and the ratios of salint-all and salint-each to helm+lint. Usage: .ci/bench/helm.sh [ROUNDS];
# SALINT=path times that binary instead of one built from the worktree.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
charts_dir=../shared/charts
helm=$(go env GOPATH)/bin/helm
# shellcheck source=timed.sh
. .ci/bench/timed.sh
need_helm "$helm"
[ -d "$charts_dir" ] || { echo "no charts at $charts_dir" >&2; exit 1; }
scratch_and_salint
# Every chart but subcharts (a chart's charts/NAME), which their parent renders.
charts=()
while IFS= read -r dir; do
  [ -f "$(dirname "$(dirname "$dir")")/Chart.yaml" ] || charts+=("$dir")
done < <(find "$charts_dir" -name Chart.yaml -printf '%h\n' | sort)
echo "${#charts[@]} charts, $(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)"
# Each chart must render with helm, or the comparison is not of the same work.
for c in "${charts[@]}"; do
  "$helm" template release-name "$c" >/dev/null 2>&1 || { echo "helm template $c failed" >&2; exit 1; }
done
for i in $(seq "$rounds"); do
  wall=0 cpu=0; timed "$salint" lint --no-config "${charts[@]}"; all="$wall $cpu"
  wall=0 cpu=0; for c in "${charts[@]}"; do timed "$salint" lint --no-config "$c"; done; each="$wall $cpu"
  wall=0 cpu=0; for c in "${charts[@]}"; do timed "$helm" template release-name "$c"; done; hlm="$wall $cpu"
  wall=0 cpu=0; for c in "${charts[@]}"; do
    timed sh -c '"$1" template release-name "$2" | "$3" lint --no-config -' - "$helm" "$c" "$salint"
  done; alt="$wall $cpu"
  read -r aw ac <<<"$all"; read -r ew ec <<<"$each"; read -r hw hc <<<"$hlm"; read -r lw lc <<<"$alt"
  printf 'round %d: salint-all %s s (cpu %s)  salint-each %s s (cpu %s)  helm %s s (cpu %s)  helm+lint %s s (cpu %s)  all/alt %.2f (cpu %.2f)  each/alt %.2f (cpu %.2f)\n' \
    "$i" "$aw" "$ac" "$ew" "$ec" "$hw" "$hc" "$lw" "$lc" \
    "$(echo "$aw / $lw" | bc -l)" "$(echo "$ac / $lc" | bc -l)" "$(echo "$ew / $lw" | bc -l)" "$(echo "$ec / $lc" | bc -l)"
done
