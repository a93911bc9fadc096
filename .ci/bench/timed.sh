# Sourced by the .ci/bench scripts that time salint against a CLI.
# timed CMD...: adds the command's wall and CPU (user+sys) seconds to
# $wall and $cpu; its output is dropped. Needs $tmp (a scratch directory).
timed() {
  /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" >/dev/null 2>&1 || true
  read -r e u s <"$tmp/t"
  wall=$(echo "$wall + $e" | bc) cpu=$(echo "$cpu + $u + $s" | bc)
}
