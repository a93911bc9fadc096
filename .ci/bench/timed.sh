# Sourced by the .ci/bench scripts that time salint against a CLI.
# timed CMD...: adds the command's wall and CPU (user+sys) seconds to
# $wall and $cpu; its output is dropped. Needs $tmp (a scratch directory).
timed() {
  /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" >/dev/null 2>&1 || true
  read -r e u s <"$tmp/t"
  wall=$(echo "$wall + $e" | bc) cpu=$(echo "$cpu + $u + $s" | bc)
}

# need_helm HELM: go-installs helm v4.3.2, the version compared with,
# unless HELM is it. A go-installed helm says only "v4.3" of itself; its
# module version is exact.
need_helm() {
  if ! go version -m "$1" 2>/dev/null | grep -Eq 'mod[[:space:]]+helm.sh/helm/v4[[:space:]]+v4.3.2'; then
    (cd / && go install helm.sh/helm/v4/cmd/helm@v4.3.2)
  fi
}

# need_kustomize KUSTOMIZE: go-installs kustomize v5.8.2, the version
# compared with, unless KUSTOMIZE is it.
need_kustomize() {
  if ! "$1" version 2>/dev/null | grep -q v5.8.2; then
    (cd / && go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.2)
  fi
}

# scratch_and_salint: makes $tmp, a scratch directory removed on exit, and
# sets $salint to $SALINT, or else to salint built from the worktree.
scratch_and_salint() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  salint=${SALINT:-$tmp/salint}
  [ -n "${SALINT:-}" ] || go build -o "$salint" ./cmd/salint
}
