#!/usr/bin/env bash
# Release recipe: static binaries for linux, darwin and windows on amd64 and
# arm64 (-trimpath, version stamped by ldflags, so `salint version` is right
# without VCS data), SHA256SUMS, and the container image from the Dockerfile.
#
#   .ci/release.sh               a release: HEAD must carry a tag v*; the image
#                                is required (docker and its base images)
#   .ci/release.sh --snapshot    any commit, version 0.0.0-snapshot+<commit>;
#                                the image is built only when docker can reach
#                                its base images, else the step says so and skips
#
# Options: --out DIR (default dist), --targets "os/arch ..." (default all six).
# Publishing (a GitHub release with dist/*, pushing the image) is not done
# here: it needs credentials this script does not handle.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot=
out=dist
targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
while [ $# -gt 0 ]; do
  case "$1" in
    --snapshot) snapshot=1 ;;
    --out) out=$2; shift ;;
    --targets) targets=$2; shift ;;
    *) echo "release.sh: unknown argument $1 (want --snapshot, --out DIR, --targets \"os/arch ...\")" >&2; exit 2 ;;
  esac
  shift
done

commit=$(git rev-parse --short=12 HEAD)
if [ -n "$snapshot" ]; then
  version="0.0.0-snapshot+${commit}"
  [ -z "$(git status --porcelain --untracked-files=no)" ] || version="${version}.dirty"
else
  version=$(git describe --tags --exact-match --match 'v*' 2>/dev/null) || {
    echo "release.sh: HEAD has no v* tag: tag the release (git tag v0.x.y) or run with --snapshot" >&2; exit 2; }
  [ -z "$(git status --porcelain --untracked-files=no)" ] || {
    echo "release.sh: uncommitted changes: a release is built from a clean checkout" >&2; exit 2; }
fi
echo "salint ${version} into ${out}/"

rm -rf "$out"
mkdir -p "$out"
for target in $targets; do
  goos=${target%/*} goarch=${target#*/}
  ext=
  [ "$goos" = windows ] && ext=.exe
  bin="salint_${version//+/_}_${goos}_${goarch}${ext}"
  echo "build ${target}"
  # -buildvcs=false: the version is the stamp, the same from a tarball.
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X main.version=${version}" -o "${out}/${bin}" ./cmd/salint
done
(cd "$out" && sha256sum -- salint_* > SHA256SUMS)

# The binary for this machine, if built, must say the version it was stamped with.
host="salint_${version//+/_}_$(go env GOOS)_$(go env GOARCH)"
[ "$(go env GOOS)" = windows ] && host="${host}.exe"
if [ -x "${out}/${host}" ]; then
  said=$("${out}/${host}" version)
  [ "$said" = "salint ${version}" ] || { echo "release.sh: ${host} says \"${said}\", want \"salint ${version}\"" >&2; exit 1; }
  echo "checked: ${said}"
fi

# The image: FROM lines of the Dockerfile name its base images.
image="salint:${version//+/_}"
bases=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile)
reachable=
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  reachable=1
  for b in $bases; do
    docker image inspect "$b" >/dev/null 2>&1 || docker pull -q "$b" >/dev/null 2>&1 || { reachable=; break; }
  done
fi
if [ -n "$reachable" ]; then
  echo "image ${image}"
  docker build -t "$image" --build-arg "VERSION=${version}" .
  [ "$(docker run --rm "$image" version)" = "salint ${version}" ] || { echo "release.sh: the image does not say salint ${version}" >&2; exit 1; }
elif [ -n "$snapshot" ]; then
  echo "image: skipped: docker is not installed, not running, or cannot reach the base images ($(echo $bases))"
else
  echo "release.sh: the image needs docker and its base images ($(echo $bases))" >&2; exit 1
fi
ls -l "$out"
